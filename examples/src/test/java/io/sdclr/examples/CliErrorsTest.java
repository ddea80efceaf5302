package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.sdclr.dsl.WorkflowDefinition;
import io.sdclr.pipeline.cli.WorkflowCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input ends with exit code 2 and one clear message naming the thing and the valid choices. */
class CliErrorsTest {
    @TempDir Path tmp;

    private Cli.Result run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--store";
        all[args.length + 1] = tmp.resolve("store").toString();
        return Cli.run(all);
    }

    @Test
    void unknownWorkflow() {
        Cli.Result r = run("run", "nope");
        assertThat(r.exitCode()).isEqualTo(2);
        // Every workflow on the class path, in catalog order; the shipped ones first.
        List<String> names = new WorkflowCatalog().all().stream().map(WorkflowDefinition::name).toList();
        assertThat(names).containsAtLeast("smoke", "fmnist-lt", "cifar10-lt", "cifar100-lt", "imagenet100-lt")
                .inOrder();
        assertThat(r.err().strip()).isEqualTo("error: unknown workflow \"nope\"; valid workflows: "
                + String.join(", ", names));
    }

    @Test
    void unknownParameter() {
        Cli.Result r = run("plan", "smoke", "--set", "probe.lrr=3");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: --set probe.lrr: unknown parameter; valid parameters: data.dir, ");
        assertThat(r.err()).contains("probe.lr, ");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void valueOfTheWrongType() {
        Cli.Result r = run("plan", "smoke", "--set", "pretrain.epochs=two");
        assertThat(r.exitCode()).isEqualTo(2);
        // The default named is smoke's, the one `sdclr list` shows (1), not the step's own declaration's (5).
        assertThat(ListOutput.run().parameters("smoke")).containsEntry("pretrain.epochs", "1");
        assertThat(r.err().strip()).isEqualTo("error: --set pretrain.epochs=two: expected an integer (default 1)");
    }

    @Test
    void warmupLongerThanTheRunFailsBeforeAnythingRunsNamingEveryPretrainStep() {
        Path store = tmp.resolve("store");
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run("run", "smoke", "--store", store.toString(), "--out", out.toString(), "--device", "cpu",
                "--set", "pretrain.warmupEpochs=3", "--set", "pretrain.epochs=1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: Workflow \"smoke\" has 3 errors:\n");
        for (String method : List.of("simclr", "sdclr", "simclr-balanced")) {
            assertThat(r.err()).containsMatch("\\n\\d\\) \\[INVALID_PARAMETERS\\] step \"pretrain-" + method
                    + "-s0\" \\([^)]+\\): pretrain\\.warmupEpochs=3 is more than pretrain\\.epochs=1\\b");
        }
        assertThat(r.err()).doesNotContain("\tat ");
        // Nothing ran: no run started, no store created, nothing published.
        assertThat(r.err()).doesNotContain("[sdclr]");
        assertThat(r.out()).isEmpty();
        assertThat(Files.exists(store)).isFalse();
        assertThat(Files.exists(out)).isFalse();

        // The order of the --set options does not matter, and plan says the same.
        Cli.Result plan = run("plan", "smoke", "--set", "pretrain.epochs=1", "--set", "pretrain.warmupEpochs=3");
        assertThat(plan.exitCode()).isEqualTo(2);
        assertThat(plan.err()).isEqualTo(r.err());
        assertThat(plan.out()).isEmpty();
    }

    /**
     * Issue 11, item 2: subset values that round tail classes of D_i to 0 images are refused before anything runs,
     * naming the classes and the values that would do.
     */
    @Test
    void subsetValuesLeavingAClassOfDiWithoutImagesAreRefusedBeforeAnythingRuns() {
        Path store = tmp.resolve("store");
        Cli.Result r = Cli.run("run", "smoke", "--store", store.toString(), "--out", tmp.resolve("out").toString(),
                "--device", "cpu", "--set", "subset.nMax=5");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: Workflow \"smoke\" has 1 error:\n");
        assertThat(r.err()).containsMatch("\\[INVALID_PARAMETERS\\] step \"subset\" \\([^)]+\\): subset\\.nMax=5 with"
                + " subset\\.imbalance=10 gives the last 3 of the 10 tail positions 0 images, so D_i would have no"
                + " image of classes \\d, \\d, \\d in split 0; expected at least 1 image per class: raise"
                + " subset\\.nMax to 10 or more, or lower subset\\.imbalance to 5 or less\n");
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
        assertThat(Files.exists(store)).isFalse();
    }

    /**
     * {@code sdclr list} shows, for each workflow, exactly the keys {@code --set} accepts: every listed key (with the
     * value shown) is accepted by {@code plan}, and every other key (listed for another workflow, or made up) is
     * rejected with exit code 2 by an error whose valid parameters are the listed keys.
     */
    @Test
    void listShowsForEachWorkflowExactlyTheKeysSetAccepts() {
        ListOutput list = ListOutput.run();
        assertThat(list.workflows()).containsAtLeast("smoke", "fmnist-lt", "cifar10-lt", "cifar100-lt",
                "imagenet100-lt");
        Set<String> everyKey = new LinkedHashSet<>();
        list.workflows().forEach(w -> everyKey.addAll(list.parameters(w).keySet()));
        everyKey.add("probe.lrr");
        for (String wf : list.workflows()) {
            Map<String, String> listed = list.parameters(wf);
            assertWithMessage("%s lists parameters", wf).that(listed).isNotEmpty();

            List<String> args = new ArrayList<>(List.of("plan", wf));
            for (Map.Entry<String, String> e : listed.entrySet()) {
                String value = e.getValue().equals(ListOutput.DIFFERS) ? list.someValueOf(e.getKey()) : e.getValue();
                if (value != null) {
                    args.addAll(List.of("--set", e.getKey() + "=" + value));
                }
            }
            Cli.Result all = run(args.toArray(String[]::new));
            assertWithMessage("%s with every listed key set: %s", wf, all.err()).that(all.err())
                    .doesNotContain("error: --set");
            assertWithMessage("%s with every listed key set", wf).that(all.err()).doesNotContain("unknown parameter");
            if (List.of("smoke", "fmnist-lt").contains(wf)) {
                assertWithMessage("%s with every listed key set: %s", wf, all.err()).that(all.exitCode())
                        .isEqualTo(0);
            } else if (all.exitCode() != 0) {
                // The parameters passed; the paper's datasets are not on this machine.
                assertWithMessage("%s: %s", wf, all.err()).that(all.exitCode()).isEqualTo(2);
                assertWithMessage("%s: %s", wf, all.err()).that(all.err()).containsMatch("data|split");
            }

            for (String key : everyKey) {
                if (listed.containsKey(key)) {
                    continue;
                }
                String value = key.equals("probe.lrr") ? "3" : list.someValueOf(key);
                Cli.Result bad = run("plan", wf, "--set", key + "=" + (value == null ? "1" : value));
                assertWithMessage("plan %s --set %s", wf, key).that(bad.exitCode()).isEqualTo(2);
                assertWithMessage("plan %s --set %s", wf, key).that(bad.err().strip()).isEqualTo("error: --set " + key
                        + ": unknown parameter; valid parameters: " + String.join(", ", listed.keySet()));
            }
        }
    }

    /**
     * A shipped workflow gives each parameter one value: {@code --set} sets a key on every step that declares it, so
     * a default that differs by step could not be restored once overridden (imagenet100-lt's probes both use the
     * paper's batch of 512).
     */
    @Test
    void everyShippedWorkflowGivesEachParameterOneValue() {
        ListOutput list = ListOutput.run();
        for (String wf : List.of("smoke", "fmnist-lt", "cifar10-lt", "cifar100-lt", "imagenet100-lt")) {
            list.parameters(wf).forEach((key, value) -> {
                if (!(wf.equals("imagenet100-lt") && key.equals("pretrain.temperature"))) {
                    assertWithMessage("%s: %s", wf, key).that(value).isNotEqualTo(ListOutput.DIFFERS);
                }
            });
        }
        // The one intended exception: the official ImageNet-100-LT runs train SimCLR at τ 0.2 and SDCLR at 0.3.
        assertThat(list.parameters("imagenet100-lt")).containsEntry("pretrain.temperature", ListOutput.DIFFERS);
        assertThat(list.parameters("imagenet100-lt")).containsEntry("probe.batch", "512");
    }

    /** Issue 11, items 4 and 5: where a run writes is checked before anything runs; one line, exit 2. */
    @Test
    void storeOrOutThatCannotBeWrittenIsRefusedBeforeAnythingRuns() throws java.io.IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Cli.Result store = Cli.run("run", "smoke", "--store", file.toString(), "--out", tmp.resolve("o1").toString());
        assertThat(store.exitCode()).isEqualTo(2);
        assertThat(store.err().strip()).isEqualTo("error: --store " + file
                + ": is a file; expected a directory (created if absent)");
        Cli.Result plan = Cli.run("plan", "smoke", "--store", file.toString());
        assertThat(plan.exitCode()).isEqualTo(2);
        assertThat(plan.err().strip()).isEqualTo(store.err().strip());

        Path storeDir = tmp.resolve("fresh-store");
        Cli.Result out = Cli.run("run", "smoke", "--store", storeDir.toString(), "--out",
                file.resolve("sub").toString());
        assertThat(out.exitCode()).isEqualTo(2);
        assertThat(out.err().strip()).isEqualTo("error: --out " + file.resolve("sub") + ": cannot be created because "
                + file + " is a file, not a directory");
        // Nothing ran and nothing was written.
        assertThat(out.err()).doesNotContain("[sdclr]");
        assertThat(Files.exists(storeDir)).isFalse();
    }

    /**
     * Issue 14: a store URI that cannot work is refused before anything runs, naming the URI and what to do: an HDFS
     * or S3 server nobody answers at, an hdfs:// URI without a NameNode, an s3:// URI without a folder, s3a://, an
     * unknown scheme, and a folder that holds something else than a store. (Missing credentials, a missing bucket
     * and refused credentials: {@code SmokeEndToEndTest}, against a real S3 server.)
     */
    @Test
    void unusableStoresAreOneLineErrorsBeforeAnythingRuns() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String uri = "hdfs://localhost:" + closed + "/sdclr/store";
        Cli.Result down = Cli.run("run", "smoke", "--store", uri, "--out", tmp.resolve("o-down").toString());
        assertThat(down.exitCode()).isEqualTo(2);
        assertThat(down.err().strip()).isEqualTo("error: --store " + uri + ": cannot reach HDFS at hdfs://localhost:"
                + closed + " (connection refused); is the NameNode running (infra/hdfs status) and are host and port"
                + " right?");
        assertThat(Cli.run("runs", "--store", uri).err().strip()).isEqualTo(down.err().strip());

        Cli.Result noPort = Cli.run("plan", "smoke", "--store", "hdfs://namenode/x");
        assertThat(noPort.exitCode()).isEqualTo(2);
        assertThat(noPort.err()).startsWith("error: Invalid value for option '--store': expected "
                + "hdfs://NAMENODE:PORT/PATH");
        // S3: a server nobody answers at (the endpoint as AWS_ENDPOINT_URL or aws.endpointUrl names it), a URI
        // without a folder, Hadoop's scheme.
        System.setProperty("aws.endpointUrl", "http://localhost:" + closed);
        System.setProperty("aws.accessKeyId", "someone");
        System.setProperty("aws.secretAccessKey", "secret");
        try {
            Cli.Result s3 = Cli.run("run", "smoke", "--store", "s3://bucket/store", "--out",
                    tmp.resolve("o-s3").toString());
            assertThat(s3.exitCode()).isEqualTo(2);
            assertThat(s3.err().strip()).isEqualTo("error: --store s3://bucket/store: cannot reach S3 at "
                    + "http://localhost:" + closed + " (connection refused); is the server running (infra/s3 status "
                    + "for a local one) and is AWS_ENDPOINT_URL right?");
        } finally {
            System.clearProperty("aws.endpointUrl");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        assertThat(Cli.run("plan", "smoke", "--store", "s3://bucket").err())
                .startsWith("error: Invalid value for option '--store': expected s3://BUCKET/PATH");
        assertThat(Cli.run("plan", "smoke", "--store", "s3a://bucket/store").err())
                .contains("write s3://BUCKET/PATH: sdclr reaches S3 through the AWS SDK");
        assertThat(Files.exists(tmp.resolve("o-s3"))).isFalse();
        Cli.Result ftp = Cli.run("plan", "smoke", "--store", "ftp://host/store");
        assertThat(ftp.exitCode()).isEqualTo(2);
        assertThat(ftp.err()).contains("unknown scheme ftp://");

        Path notAStore = tmp.resolve("home-like");
        Files.createDirectories(notAStore.resolve("Documents"));
        Files.writeString(notAStore.resolve("notes.txt"), "mine");
        Cli.Result other = Cli.run("run", "smoke", "--store", notAStore.toString(), "--out",
                tmp.resolve("o-other").toString());
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err().strip()).isEqualTo("error: --store " + notAStore + ": not an artifact store (no "
                + "artifacts/ and keys/ folders) and not empty (Documents, notes.txt); give the store's folder, an "
                + "empty one or a new one");
        try (var s = Files.list(notAStore)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("Documents", "notes.txt");
        }
    }

    /** Issue 11, item 8: command lines picocli cannot parse get one line and exit 2; --parallelism 0 is refused. */
    @Test
    void unparsableCommandLinesAndParallelismZeroAreOneLineErrors() {
        Cli.Result set = Cli.run("plan", "smoke", "--set", "foo");
        assertThat(set.exitCode()).isEqualTo(2);
        assertThat(set.err()).isEqualTo("error: --set foo: expected KEY=VALUE\n(usage: sdclr plan --help)\n");
        Cli.Result unknown = Cli.run("run", "smoke", "--bogus");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("error: Unknown option: '--bogus'\n(usage: sdclr run --help)\n");
        Cli.Result zero = Cli.run("plan", "smoke", "--parallelism", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err().strip()).isEqualTo("error: --parallelism 0: expected a whole number >= 1 (leave it out"
                + " for the runner's default)");
    }

    @Test
    void generatedSplitKeysWithSplitFilesAreRefusedSayingWhy() {
        Cli.Result r = Cli.run("plan", "cifar10-lt", "--set", "subset.splitDir=/nonexistent/split", "--set",
                "subset.nMax=450");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: --set subset.nMax: applies to generated splits only; with "
                + "subset.splitDir=/nonexistent/split the splits come from the split files (drop one of the two)");
    }

    @Test
    void missingDataDirectory() {
        Cli.Result r = run("run", "smoke", "--set", "data.dir=" + tmp.resolve("no-such-dir"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: data.dir=" + tmp.resolve("no-such-dir") + ": no such directory");
        assertThat(r.err()).contains("apt-get install dataset-fashion-mnist");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void unknownRunnerAndStep() {
        Cli.Result r = run("plan", "smoke", "--runner", "spark");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--runner spark: unknown runner; expected direct, flink-local or HOST:PORT");
        Cli.Result s = run("plan", "smoke", "--to", "pretrain");
        assertThat(s.exitCode()).isEqualTo(2);
        assertThat(s.err()).contains("--to pretrain: workflow smoke has no such step; its steps are: data, subset, ");
    }

    @Test
    void listShowsWorkflowsParametersAndDefaults() {
        Cli.Result r = Cli.run("list");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.out()).contains("smoke - ");
        assertThat(r.out()).contains("fmnist-lt - ");
        assertThat(r.out()).containsMatch("probe\\.lr\\s+= 30\\s+number");
        assertThat(r.out()).containsMatch("subset\\.nMax\\s+= 4500\\s+integer");
        assertThat(r.out()).contains("cifar10-lt - ");
        assertThat(r.out()).contains("cifar100-lt - ");
        assertThat(r.out()).contains("imagenet100-lt - ");
        assertThat(r.out()).containsMatch("knn\\.k\\s+= 200,20\\s+integers");
        assertThat(r.out()).containsMatch("pretrain\\.arch\\s+= resnet50\\s+text");
        assertThat(r.out()).containsMatch("pretrain\\.epochs\\s+= 2000\\s+integer");
    }
}
