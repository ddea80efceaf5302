package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
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
        assertThat(r.err().strip()).isEqualTo("error: unknown workflow \"nope\"; valid workflows: smoke, fmnist-lt, cifar10-lt, cifar100-lt, imagenet100-lt");
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
        assertThat(r.err().strip()).isEqualTo("error: --set pretrain.epochs=two: expected an integer (default 1)");
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
        assertThat(r.out()).containsMatch("knn\\.k\\s+= 200,20\\s+text");
        assertThat(r.out()).containsMatch("pretrain\\.arch\\s+= resnet50\\s+text");
        assertThat(r.out()).containsMatch("pretrain\\.epochs\\s+= 2000\\s+integer");
    }
}
