package io.sdclr.deploy;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** infra/k8s, read with the Flink Kubernetes Operator's model classes, against what the project says. */
class ManifestsTest {
    private static final Project PROJECT = Project.current();

    static ManifestChecks.Expect expect(String image, String codeId) throws IOException {
        return new ManifestChecks.Expect(image, Project.flinkVersion(), PROJECT.flinkOpens(), PROJECT.pytorchVersion(),
                PROJECT.launcherDefault("PYTORCH_LIBRARY_EXCLUSION"), codeId);
    }

    static Map<String, String> sources() throws IOException {
        return Manifests.filesIn(PROJECT.root.resolve("infra/k8s"));
    }

    static List<String> problems(Map<String, String> files) throws IOException {
        return ManifestChecks.check(Manifests.parse(files), expect(PROJECT.defaultImage(), null));
    }

    @Test
    void theManifestsPassEveryCheck() throws IOException {
        Manifests m = Manifests.parse(sources());
        assertThat(ManifestChecks.check(m, expect(PROJECT.defaultImage(), null))).isEmpty();
        assertThat(m.all(FlinkDeployment.class)).hasSize(1);
        assertThat(m.all(Job.class).size()).isAtLeast(1);
        assertThat(m.all(PersistentVolumeClaim.class).size()).isAtLeast(1);
    }

    @Test
    void theSourcesCarryNoRealCodeId() throws IOException {
        // A real id committed here would be stale after the next build: only the rendered copy carries one.
        FlinkDeployment fd = Manifests.parse(sources()).all(FlinkDeployment.class).get(0);
        assertThat(fd.getSpec().getFlinkConfiguration().get("sdclr.code-id")).doesNotMatch("[0-9a-f]{16}");
    }

    @Test
    void theBaseImageIsTheOfficialFlinkImageOfTheProjectsFlink() {
        assertThat(PROJECT.baseImage()).isEqualTo("flink:" + Project.flinkVersion() + "-scala_2.12-java17");
    }

    /** Each mutation of a manifest must be reported: the checks can fail, and say why. */
    static Stream<Arguments> mutations() {
        return Stream.of(
                Arguments.of("flink-session.yaml", "  taskManager:\n", "  taskManagr:\n", "unknown field .spec.taskManagr"),
                Arguments.of("flink-session.yaml", "            volumeMounts:\n              - name: datasets\n                mountPath: /usr/share/datasets\n                readOnly: true\n              - name: torch",
                        "            volumeMount:\n              - name: datasets\n                mountPath: /usr/share/datasets\n                readOnly: true\n              - name: torch",
                        "unknown field(s) [volumeMount]"),
                Arguments.of("flink-session.yaml", "kind: FlinkDeployment", "kind: FlinkSessionJob", "apiVersion/kind"),
                Arguments.of("flink-session.yaml", "flinkVersion: v1_19", "flinkVersion: v1_18", "flinkVersion v1_18"),
                Arguments.of("flink-session.yaml", "flinkVersion: v1_19", "flinkVersion: v2_0", "not valid YAML"),
                Arguments.of("flink-session.yaml", "  image: sdclr-flink:", "  image: other/sdclr-flink:", "FlinkDeployment image"),
                Arguments.of("flink-session.yaml", "  mode: standalone", "  mode: native", "mode NATIVE"),
                Arguments.of("flink-session.yaml", "                nvidia.com/gpu: 1\n", "                cpu: 8\n", "no nvidia.com/gpu limit"),
                Arguments.of("flink-session.yaml", "nvidia.com/gpu: 1", "nvidia.com/gpu: 2", "one GPU per TaskManager"),
                Arguments.of("flink-session.yaml", "taskmanager.numberOfTaskSlots: \"2\"", "taskmanager.numberOfTaskSlots: \"0\"", "numberOfTaskSlots"),
                Arguments.of("flink-session.yaml", "    sdclr.code-id:", "    sdclr.codeid:", "no sdclr.code-id"),
                Arguments.of("flink-session.yaml", "--add-opens=java.base/java.nio=ALL-UNNAMED", "", "lacks the root pom's flink.opens"),
                Arguments.of("flink-session.yaml", "num_threads=8", "num_threads=4", "num_threads"),
                Arguments.of("flink-session.yaml", "value: /opt/torch/torch/lib", "value: /usr/lib/torch", "PYTORCH_LIBRARY_PATH"),
                Arguments.of("flink-session.yaml", "  jobManager:\n", "  jobManager:\n    replicas: 1\n", "Duplicate field 'replicas'"),
                Arguments.of("sdclr-run.yaml", "hdfs://hdfs-namenode.hdfs.svc.cluster.local:9000/sdclr/store", "/data/store", "--store /data/store"),
                Arguments.of("sdclr-run.yaml", "hdfs://hdfs-namenode", "file://hdfs-namenode", "is not an hdfs://NAMENODE:PORT/PATH or s3://BUCKET/PATH URI"),
                Arguments.of("sdclr-run.yaml", "hdfs://hdfs-namenode.hdfs.svc.cluster.local:9000/sdclr/store", "s3a://bucket/sdclr/store", "is not an hdfs://NAMENODE:PORT/PATH or s3://BUCKET/PATH URI"),
                Arguments.of("sdclr-run.yaml", "- sdclr-rest:8081", "- localhost:8081", "--runner is localhost:8081"),
                Arguments.of("sdclr-run.yaml", "            - --trainings-per-taskmanager\n            - \"1\"", "            - --trainings-per-taskmanager\n            - \"2\"", "--trainings-per-taskmanager 2"),
                Arguments.of("sdclr-run.yaml", "            - --device\n            - gpu\n", "", "--device gpu"),
                Arguments.of("sdclr-run.yaml", "              mountPath: /usr/share/datasets", "              mountPath: /data", "same path in every pod"),
                Arguments.of("sdclr-run.yaml", "image: sdclr-flink:", "image: sdclr-flink-old:", "no Job runs the sdclr image"),
                Arguments.of("sdclr-run.yaml", "restartPolicy: Never", "restartPolicy: Never\n      restartPolicyy: Never", "unknown field(s) [restartPolicyy]"),
                Arguments.of("sdclr-run.yaml", "          workingDir: /sdclr-out\n", "", "workingDir null is on no writable volume"),
                Arguments.of("volumes.yaml", "  name: sdclr-datasets", "  name: sdclr-data", "claim sdclr-datasets is mounted but no"),
                Arguments.of("volumes.yaml", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: sdclr-out",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sdclr-out", "is none of"));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("mutations")
    void aBrokenManifestIsReported(String file, String from, String to, String problem) throws IOException {
        Map<String, String> files = new LinkedHashMap<>(sources());
        assertWithMessage("%s must contain the text this case changes", file).that(files.get(file)).contains(from);
        files.put(file, files.get(file).replace(from, to));
        List<String> problems = problems(files);
        assertWithMessage("problems of the mutated manifests").that(String.join("\n", problems)).contains(problem);
    }

    /**
     * A store on S3 passes when the client and the TaskManagers take the same S3 Secret, and is reported when the
     * client takes none or the TaskManagers another one.
     */
    @Test
    void anS3StoreNeedsTheSameSecretInTheClientAndTheTaskManagers() throws IOException {
        String hdfs = "hdfs://hdfs-namenode.hdfs.svc.cluster.local:9000/sdclr/store";
        Map<String, String> files = new LinkedHashMap<>(sources());
        files.put("sdclr-run.yaml", files.get("sdclr-run.yaml").replace(hdfs, "s3://sdclr-bucket/sdclr/store"));
        assertThat(problems(files)).isEmpty();

        Map<String, String> noSecret = new LinkedHashMap<>(files);
        noSecret.put("sdclr-run.yaml", noSecret.get("sdclr-run.yaml").replace(
                "          envFrom:\n            - secretRef:\n                name: sdclr-s3\n                optional: true\n",
                ""));
        assertThat(String.join("\n", problems(noSecret))).contains("but the client takes no S3 settings");

        Map<String, String> other = new LinkedHashMap<>(files);
        other.put("flink-session.yaml", other.get("flink-session.yaml").replace("name: sdclr-s3", "name: other-s3"));
        assertThat(String.join("\n", problems(other)))
                .contains("but the TaskManagers do not take the client's S3 Secret(s) [sdclr-s3]");
    }

    @Test
    void renderingPutsInTheBuiltImageAndTheCodeId() throws IOException {
        String image = "registry.example:5000/team/sdclr-flink:1.2.3";
        Map<String, String> rendered = RenderManifests.render(sources(), PROJECT.defaultImage(), image, "0123456789abcdef");
        Manifests m = Manifests.parse(rendered);
        assertThat(ManifestChecks.check(m, expect(image, "0123456789abcdef"))).isEmpty();
        assertThat(rendered.get("flink-session.yaml")).contains("sdclr.code-id: \"0123456789abcdef\"");
        assertThat(String.join("", rendered.values())).doesNotContain(PROJECT.defaultImage());
        // other images (the seed Jobs') are left alone
        assertThat(rendered.get("seed-jobs.yaml")).isEqualTo(sources().get("seed-jobs.yaml"));
        // and a wrong id is caught
        assertThat(String.join("\n", ManifestChecks.check(m, expect(image, "fedcba9876543210"))))
                .contains("sdclr.code-id 0123456789abcdef, but the image's sdclr jars have code id fedcba9876543210");
    }

    @Test
    void renderingRefusesAnotherSdclrImageOrAMissingCodeId() throws IOException {
        Map<String, String> files = new LinkedHashMap<>(sources());
        files.put("sdclr-run.yaml", files.get("sdclr-run.yaml").replace(PROJECT.defaultImage(), "sdclr-flink:old"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RenderManifests.render(files, PROJECT.defaultImage(), "x:1", "0123456789abcdef"));
        assertThat(e).hasMessageThat().contains("sdclr-run.yaml: image sdclr-flink:old is not the pom's default");

        Map<String, String> noId = new LinkedHashMap<>(sources());
        noId.put("flink-session.yaml", noId.get("flink-session.yaml").replace("sdclr.code-id:", "sdclr.other:"));
        assertThrows(IllegalStateException.class,
                () -> RenderManifests.render(noId, PROJECT.defaultImage(), "x:1", "0123456789abcdef"));
    }

    @Test
    void repositoryOfAnImage() {
        assertThat(RenderManifests.repository("sdclr-flink:0.1.0")).isEqualTo("sdclr-flink");
        assertThat(RenderManifests.repository("reg:5000/a/sdclr-flink:t")).isEqualTo("reg:5000/a/sdclr-flink");
        assertThat(RenderManifests.repository("reg:5000/a/sdclr-flink")).isEqualTo("reg:5000/a/sdclr-flink");
        assertThat(RenderManifests.repository("a/b@sha256:00")).isEqualTo("a/b");
    }
}
