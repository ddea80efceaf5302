package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdclr.dsl.WorkflowGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's DSL examples are the code of {@link MyExperiment}, which compiles, and runs end to end. */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir Path tmp;

    /** The lines between the markers of {@code file}, indentation removed. */
    private static List<String> between(List<String> lines, String start, String end) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : lines) {
            if (l.contains(end)) {
                break;
            }
            if (in) {
                out.add(l.strip());
            }
            in |= l.contains(start);
        }
        return out;
    }

    private static List<String> readmeBlockAfter(String heading) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        List<String> out = new ArrayList<>();
        int i = 0;
        while (!lines.get(i).contains(heading)) {
            i++;
        }
        while (!lines.get(i).equals("```java")) {
            i++;
        }
        for (i++; !lines.get(i).equals("```"); i++) {
            out.add(lines.get(i).strip());
        }
        return out;
    }

    @Test
    void theReadmeShowsExactlyTheExampleCode() throws IOException {
        List<String> source = Files.readAllLines(
                ROOT.resolve("examples/src/main/java/io/sdclr/examples/MyExperiment.java"));
        assertThat(readmeBlockAfter("<!-- example: MyExperiment.build -->"))
                .containsExactlyElementsIn(between(source, "README example starts", "README example ends"))
                .inOrder();
        assertThat(readmeBlockAfter("<!-- example: MyExperiment.cifarWithOfficialSplits -->"))
                .containsExactlyElementsIn(between(source, "README cifar example starts", "README cifar example ends"))
                .inOrder();
    }

    @Test
    void theCifarExampleIsAValidWorkflow() {
        WorkflowGraph g = MyExperiment.cifarWithOfficialSplits(Path.of("/data/cifar"), Path.of("/src/SDCLR/split"))
                .validate();
        assertThat(g.steps().stream().map(WorkflowGraph.Node::name).toList()).containsExactly("data", "subset",
                "pretrain-sdclr-s0", "features-sdclr-s0", "knn-sdclr-s0").inOrder();
    }

    @Test
    void theExampleRunsAndReportsTheLinearProbeOfSdclr() throws IOException {
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run("run", "my-experiment", "--store", tmp.resolve("store").toString(), "--out",
                out.toString());
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.lastLine()).contains("ran=6 cached=0"); // data, subset, pretrain, features, probe, report
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("methods").has("sdclr")).isTrue();
        assertThat(results.get("methods").has("simclr")).isFalse();
        double all = results.get("methods").get("sdclr").get("linear").get("all").get("mean").asDouble();
        assertThat(all).isGreaterThan(10.0); // better than chance on 10 classes
    }
}
