package io.sdclr.deploy;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdclr.pipeline.run.CodeId;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image deploy/image built (its layers, on {@code scratch}, in target/sdclr-image-layout.tar: the same layers that
 * {@code jib:build} puts on the Flink image), and the manifests rendered for it in target/k8s. After {@code mvn
 * package}: run by failsafe in {@code mvn verify}.
 */
class ImageLayoutIT {
    static final String APP = "opt/flink/lib/sdclr/";
    static final String LIBS = APP + "libs/";
    private static final Project PROJECT = Project.current();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file or directory of a layer. */
    record Entry(String layer, String path, int mode, long uid, long gid, boolean directory) {}

    static JsonNode manifest;
    static JsonNode config;
    static final Map<String, Entry> entries = new TreeMap<>();
    static final List<String> duplicates = new ArrayList<>();
    static Path extracted;

    @BeforeAll
    static void readTheTar(@TempDir Path tmp) throws IOException {
        Path tar = PROJECT.root.resolve("deploy/image/target/sdclr-image-layout.tar");
        assertWithMessage("deploy/image builds %s in mvn package", tar).that(Files.isRegularFile(tar)).isTrue();
        extracted = tmp;
        Map<String, byte[]> json = new LinkedHashMap<>();
        try (TarArchiveInputStream outer = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry e; (e = outer.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".json")) {
                    json.put(e.getName(), outer.readAllBytes());
                } else if (e.getName().endsWith(".tar.gz")) {
                    readLayer(e.getName(), new GzipCompressorInputStream(new NonClosing(outer)));
                }
            }
        }
        manifest = JSON.readTree(json.get("manifest.json"));
        config = JSON.readTree(json.get(manifest.get(0).get("Config").asText()));
    }

    private static void readLayer(String layer, InputStream gz) throws IOException {
        TarArchiveInputStream in = new TarArchiveInputStream(gz);
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
            String path = e.getName();
            Entry entry = new Entry(layer, path, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(), e.isDirectory());
            if (!e.isDirectory() && entries.containsKey(path)) {
                duplicates.add(path);
            }
            entries.put(path, entry);
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (path.startsWith(LIBS) && name.startsWith("sdclr-") && name.endsWith(".jar")) {
                Files.write(extracted.resolve(name), in.readAllBytes());
            }
        }
    }

    static Set<String> jars() {
        return entries.keySet().stream().filter(p -> p.endsWith(".jar")).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> names(Set<String> paths) {
        return paths.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void oneImageWhoseConfigLeavesTheFlinkEntrypointAlone() {
        assertThat(manifest.size()).isEqualTo(1);
        assertThat(manifest.get(0).get("Layers").size()).isEqualTo(config.get("rootfs").get("diff_ids").size());
        assertThat(config.get("architecture").asText()).isEqualTo("amd64"); // the natives jar is linux-x86_64
        assertThat(config.get("os").asText()).isEqualTo("linux");
        JsonNode c = config.get("config");
        // Entrypoint INHERIT: the base's /docker-entrypoint.sh and CMD, working directory and user stay as they are
        for (String field : List.of("Entrypoint", "Cmd", "WorkingDir", "User")) {
            assertWithMessage("config.%s (inherited from the Flink image)", field).that(c.path(field).isMissingNode()
                    || c.path(field).isNull() || c.path(field).isEmpty()).isTrue();
        }
        assertThat(c.get("Labels").get("org.opencontainers.image.base.name").asText()).isEqualTo(PROJECT.baseImage());
    }

    @Test
    void theEnvironmentIsTheLaunchersOne() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        config.get("config").get("Env").forEach(v -> {
            String[] kv = v.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        assertThat(env).containsEntry("DISABLE_JEMALLOC", "true"); // the official image would preload jemalloc
        for (String v : List.of("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MKL_CBWR")) {
            assertThat(env).containsEntry(v, PROJECT.launcherDefault(v));
        }
        assertThat(env.get("DJL_CACHE_DIR")).startsWith("/tmp/"); // writable by the flink user
        assertThat(env.get("ENGINE_CACHE_DIR")).isEqualTo(env.get("DJL_CACHE_DIR"));
    }

    @Test
    void jarsLieOnlyWhereFlinkScansThemAndNothingElseMoves() {
        assertThat(duplicates).isEmpty();
        for (Entry e : entries.values()) {
            if (e.directory()) {
                // the parents Jib writes: they set /opt/flink and /opt/flink/lib to root, 755 (documented)
                if (!e.path().startsWith(APP) && !e.path().startsWith("opt/sdclr/")) {
                    assertThat(e.path()).isIn(List.of("opt/", "opt/flink/", "opt/flink/lib/"));
                }
                assertWithMessage("mode of %s", e.path()).that(e.mode()).isEqualTo(0755);
                continue;
            }
            assertWithMessage("%s lies under %s or opt/sdclr/", e.path(), APP)
                    .that(e.path().startsWith(APP) || e.path().startsWith("opt/sdclr/")).isTrue();
            if (e.path().endsWith(".jar")) {
                // only in lib/sdclr/libs: a jar straight in lib/ would also sort before Flink's own
                assertThat(e.path()).matches(LIBS + "[^/]+\\.jar");
            }
            assertWithMessage("%s readable by the flink user", e.path()).that(e.mode() & 0444).isEqualTo(0444);
            assertThat(e.uid()).isEqualTo(0);
        }
        assertThat(entries.get("opt/sdclr/bin/sdclr").mode()).isEqualTo(0755);
        assertThat(entries).containsKey("opt/sdclr/log4j2-client.properties");
    }

    @Test
    void theJarsAreExamplesTargetLibLessFlinkAndLogging() throws IOException {
        Set<String> image = names(jars());
        Set<String> lib;
        try (Stream<Path> s = Files.list(PROJECT.root.resolve("examples/target/lib"))) {
            lib = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        // nothing Flink's image has already: Flink (flink-dist) and a second logging binding
        for (String jar : image) {
            assertWithMessage("image jar %s", jar).that(jar).doesNotMatch("(flink-|logback-|slf4j-|log4j-).*");
        }
        // the same versions as ./sdclr runs: every jar but the examples' own is in examples/target/lib by name
        Set<String> notInLib = new TreeSet<>(image);
        notInLib.removeAll(lib);
        assertThat(notInLib).containsExactly("sdclr-examples-" + PROJECT.version() + ".jar");
        // and what is left out is only Flink's, logging, and what only Flink depends on (it is inside flink-dist)
        Set<String> left = new TreeSet<>(lib);
        left.removeAll(image);
        for (String jar : left) {
            assertWithMessage("left out of the image: %s", jar).that(jar)
                    .doesNotMatch("(sdclr-|beam-|avro-|pytorch-|api-|guice-|picocli-|jackson-|commons-compress-).*");
        }
        assertThat(left.stream().filter(j -> j.startsWith("flink-")).count()).isAtLeast(10L);
        for (String prefix : List.of("sdclr-dsl-", "sdclr-pipeline-", "sdclr-steps-", "sdclr-examples-",
                "beam-runners-flink-1.19-", "beam-sdks-java-core-", "avro-", "pytorch-engine-", "pytorch-jni-")) {
            assertWithMessage("a jar %s* in the image", prefix).that(image.stream().anyMatch(j -> j.startsWith(prefix)))
                    .isTrue();
        }
        // the CPU libtorch ships in the image exactly when the build has it (not with -Dgpu)
        assertThat(image.stream().anyMatch(j -> j.startsWith("pytorch-native-cpu-")))
                .isEqualTo(lib.stream().anyMatch(j -> j.startsWith("pytorch-native-cpu-")));
        // and they are the jars deploy/image resolved (image-classpath.txt), byte for byte for sdclr's own
        String cp = Files.readString(PROJECT.root.resolve("deploy/image/target/image-classpath.txt")).trim();
        Set<String> resolved = Arrays.stream(cp.split(File.pathSeparator)).map(p -> Path.of(p).getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(image).isEqualTo(resolved);
        for (String p : cp.split(File.pathSeparator)) {
            String name = Path.of(p).getFileName().toString();
            if (name.startsWith("sdclr-")) {
                assertWithMessage("%s in the image", name).that(Files.readAllBytes(extracted.resolve(name)))
                        .isEqualTo(Files.readAllBytes(Path.of(p)));
            }
        }
    }

    @Test
    void theProjectsFlinkIsTheBaseImagesFlink() throws IOException {
        try (Stream<Path> s = Files.list(PROJECT.root.resolve("examples/target/lib"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("flink-core-"))
                    .collect(Collectors.toList())).containsExactly("flink-core-" + Project.flinkVersion() + ".jar");
        }
        assertThat(PROJECT.baseImage()).startsWith("flink:" + Project.flinkVersion() + "-");
    }

    @Test
    void theRenderedManifestsCarryThisImageAndItsCodeId() throws IOException {
        String image = System.getProperty("sdclr.image", PROJECT.defaultImage());
        try (Stream<Path> s = Files.list(extracted)) {
            String cp = s.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
            String codeId = CodeId.of(cp);
            assertThat(codeId).matches("[0-9a-f]{16}");
            Manifests m = Manifests.parse(Manifests.filesIn(PROJECT.root.resolve("deploy/k8s/target/k8s")));
            assertThat(ManifestChecks.check(m, ManifestsTest.expect(image, codeId))).isEmpty();
            FlinkDeployment fd = m.all(FlinkDeployment.class).get(0);
            assertThat(fd.getSpec().getFlinkConfiguration().get(CodeId.CONFIG_KEY)).isEqualTo(codeId);
        }
        // every file of infra/k8s is rendered
        assertThat(Manifests.filesIn(PROJECT.root.resolve("deploy/k8s/target/k8s")).keySet())
                .isEqualTo(Manifests.filesIn(PROJECT.root.resolve("infra/k8s")).keySet());
        assertThat(Files.readString(PROJECT.root.resolve("deploy/k8s/target/k8s/flink-session.yaml"),
                StandardCharsets.UTF_8)).contains("image: " + image);
    }

    /** The outer tar's stream for one entry, which the layer's gzip stream must not close. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {}
    }
}
