package io.sdclr.pipeline.run;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import io.sdclr.dsl.InvalidInputException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code id that keeps a stale Flink session cluster from computing results cached under newer code's keys. */
class CodeIdTest {
    @TempDir Path tmp;

    private Path classes(String checkout, String content) throws IOException {
        Path dir = tmp.resolve(checkout).resolve("steps/target/classes/io/sdclr");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("A.class"), content);
        Files.writeString(dir.resolve("B.class"), "b");
        return tmp.resolve(checkout).resolve("steps/target/classes");
    }

    private static String cp(Path... entries) {
        StringBuilder b = new StringBuilder();
        for (Path e : entries) {
            b.append(b.length() == 0 ? "" : File.pathSeparator).append(e);
        }
        return b.toString();
    }

    @Test
    void sameCodeInAnotherCheckoutHasTheSameIdAndAnyChangedClassChangesIt() throws IOException {
        Path a = classes("one", "code v1");
        Path b = classes("two", "code v1");
        Path thirdParty = Files.writeString(tmp.resolve("guava.jar"), "x");
        Path sdclrJar = Files.writeString(tmp.resolve("sdclr-dsl-0.1.jar"), "dsl");
        String id = CodeId.of(cp(a, thirdParty, sdclrJar));
        assertThat(id).matches("[0-9a-f]{16}");
        assertThat(CodeId.of(cp(sdclrJar, b))).isEqualTo(id); // other checkout, other order, no third-party jar
        assertThat(CodeId.of(cp(classes("three", "code v2"), sdclrJar))).isNotEqualTo(id);
        Files.writeString(sdclrJar, "dsl v2");
        assertThat(CodeId.of(cp(a, sdclrJar))).isNotEqualTo(id);
    }

    /** A fake JobManager REST endpoint serving {@code /jobmanager/config}. */
    private static HttpServer jobManager(String configJson) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/jobmanager/config", ex -> {
            byte[] body = configJson.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @Test
    void aClusterRunningOtherCodeOrNotSayingWhichIsRefused() throws IOException {
        String mine = CodeId.current();
        String[] configs = {
            "[{\"key\":\"rest.port\",\"value\":\"8081\"},{\"key\":\"sdclr.code-id\",\"value\":\"" + mine + "\"}]",
            "[{\"key\":\"sdclr.code-id\",\"value\":\"0123456789abcdef\"}]",
            "[{\"key\":\"rest.port\",\"value\":\"8081\"}]"
        };
        for (int i = 0; i < configs.length; i++) {
            HttpServer server = jobManager(configs[i]);
            String hostPort = "localhost:" + server.getAddress().getPort();
            try {
                if (i == 0) {
                    FlinkModule.checkClusterRunsThisCode(hostPort); // same code: accepted
                    continue;
                }
                InvalidInputException e = assertThrows(InvalidInputException.class,
                        () -> FlinkModule.checkClusterRunsThisCode(hostPort));
                assertThat(e).hasMessageThat().startsWith("--runner " + hostPort + ": the cluster ");
                assertThat(e).hasMessageThat().contains(i == 1 ? "code id 0123456789abcdef" : "no sdclr.code-id");
                assertThat(e).hasMessageThat().contains(mine);
            } finally {
                server.stop(0);
            }
        }
        InvalidInputException down = assertThrows(InvalidInputException.class,
                () -> FlinkModule.checkClusterRunsThisCode("localhost:1"));
        assertThat(down).hasMessageThat().contains("cannot reach a Flink session cluster's REST API");
    }
}
