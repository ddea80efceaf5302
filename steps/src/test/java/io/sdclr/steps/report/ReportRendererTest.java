package io.sdclr.steps.report;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * Golden files live in src/test/resources/io/sdclr/steps/report/. After an intended change, regenerate them with
 * {@code mvn -o -q -pl steps test -Dtest=ReportRendererTest -Dsdclr.updateGoldens=true} and review the diff.
 */
class ReportRendererTest {

    private static final Path GOLDEN_DIR = Path.of("src/test/resources/io/sdclr/steps/report");

    /**
     * Six classes, two splits. Split 0 counts ascending: c5 2, c3 5 | c4 10, c1 20 | c0 50, c2 100 (Few | Medium |
     * Many). Split 1: c0 2, c4 5 | c2 10, c5 20 | c3 50, c1 100.
     */
    static ReportInput fixture() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("subset.nMax", 100);
        params.put("subset.imbalance", 50.0);
        params.put("probe.lr", 30.0);
        params.put("pretrain.temperature", 0.2);
        params.put("pretrain.lrMin", 1e-6);
        params.put("data.dir", "/data/fashion|mnist");
        params.put("knn.enabled", true);
        List<SplitCounts> splits = List.of(
                new SplitCounts(1, new int[] {2, 100, 10, 50, 5, 20}),
                new SplitCounts(0, new int[] {50, 20, 100, 5, 10, 2}));
        List<EvaluationResult> results = List.of(
                new EvaluationResult("sdclr", "knn", 1, new double[] {10, 90, 40, 80, 30, 50}),
                new EvaluationResult("simclr", "linear", 1, new double[] {10, 90, 50, 80, 30, 40}),
                new EvaluationResult("sdclr", "linear", 0, new double[] {90, 70, 95, 40, 60, 30}),
                new EvaluationResult("bcl", "linear", 0, new double[] {91, 71, 96, 41, 61, 31}),
                new EvaluationResult("simclr", "linear", 0, new double[] {80, 60, 90, 20, 50, 10}),
                new EvaluationResult("sdclr", "linear", 1, new double[] {20, 100, 70, 90, 50, 60}),
                new EvaluationResult("sdclr", "fewshot", 0, new double[] {50, 40, 60, 20, 30, 10}),
                new EvaluationResult("sdclr", "fewshot", 1, new double[] {12.5, 55, 33.333333333, 45, 20, 25}),
                new EvaluationResult("simclr", "fewshot", 0, new double[] {45, 35, 55, 15, 25, 5}),
                new EvaluationResult("sdclr", "knn", 0, new double[] {85, 65, 90, 35, 55, 25}));
        return ReportInput.of("golden", "toy-6", params, splits, results);
    }

    private static String text(SortedMap<String, byte[]> files, String name) {
        return new String(files.get(name), StandardCharsets.UTF_8);
    }

    private static void assertGolden(String name, byte[] actual) throws IOException {
        if (Boolean.getBoolean("sdclr.updateGoldens")) {
            Files.createDirectories(GOLDEN_DIR);
            Files.write(GOLDEN_DIR.resolve(name), actual);
            return;
        }
        try (InputStream in = ReportRendererTest.class.getResourceAsStream(name)) {
            assertThat(in).isNotNull();
            assertThat(new String(actual, StandardCharsets.UTF_8))
                    .isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void goldenResultsJsonAndMarkdown() throws IOException {
        SortedMap<String, byte[]> files = ReportRenderer.render(fixture());
        assertThat(files.keySet()).containsExactly("report.html", "report.md", "results.json").inOrder();
        assertGolden("golden-results.json", files.get("results.json"));
        assertGolden("golden-report.md", files.get("report.md"));
    }

    /** The same with the evidence: curves, PIE tables, the balanced control ({@link EvidenceFixture#toy()}). */
    @Test
    void goldenEvidenceResultsJsonAndMarkdown() throws IOException {
        SortedMap<String, byte[]> files = ReportRenderer.render(EvidenceFixture.toy());
        assertGolden("golden-evidence-results.json", files.get("results.json"));
        assertGolden("golden-evidence-report.md", files.get("report.md"));
    }

    @Test
    void resultsJsonHasTheContractShapeAndHandCheckedNumbers() throws IOException {
        JsonNode root = new ObjectMapper().readTree(ReportRenderer.render(fixture()).get("results.json"));
        assertThat(fieldNames(root)).containsExactly("workflow", "dataset", "params", "methods", "splits").inOrder();
        assertThat(root.get("workflow").asText()).isEqualTo("golden");
        assertThat(root.get("params").get("subset.nMax").isInt()).isTrue();
        assertThat(root.get("params").get("probe.lr").asDouble()).isEqualTo(30.0);
        assertThat(root.get("params").get("knn.enabled").isBoolean()).isTrue();
        assertThat(fieldNames(root.get("methods"))).containsExactly("simclr", "sdclr", "bcl").inOrder();
        assertThat(fieldNames(root.get("methods").get("sdclr"))).containsExactly("linear", "fewshot", "knn").inOrder();
        assertThat(fieldNames(root.get("methods").get("simclr"))).containsExactly("linear", "fewshot").inOrder();

        JsonNode g = root.get("methods").get("sdclr").get("linear");
        assertThat(fieldNames(g)).containsExactly("many", "medium", "few", "std", "all", "per_class").inOrder();
        // Split 0: Many (90 + 95) / 2 = 92.5; split 1: Many (90 + 100) / 2 = 95 -> 93.75 ± 1.25.
        assertThat(g.get("many").get("mean").asDouble()).isEqualTo(93.75);
        assertThat(g.get("many").get("sd").asDouble()).isEqualTo(1.25);
        // Medium 65 and 65, Few 35 and 35.
        assertThat(g.get("medium").get("mean").asDouble()).isEqualTo(65.0);
        assertThat(g.get("few").get("sd").asDouble()).isEqualTo(0.0);
        // All: 385 / 6 and 390 / 6 -> 64.583333 ± 0.416667.
        assertThat(g.get("all").get("mean").asDouble()).isEqualTo(64.583333);
        assertThat(g.get("all").get("sd").asDouble()).isEqualTo(0.416667);
        // Std of split 0: pop. std of [92.5, 65, 35] = 23.481671; split 1: of [95, 65, 35] = 24.494897.
        assertThat(g.get("std").get("mean").asDouble()).isWithin(1e-6).of((23.481671 + 24.494897) / 2);
        assertThat(g.get("per_class").size()).isEqualTo(2);
        assertThat(g.get("per_class").get(1).get(1).asDouble()).isEqualTo(100.0);

        JsonNode split1 = root.get("splits").get(1);
        assertThat(split1.get("split").asInt()).isEqualTo(1);
        assertThat(split1.get("class_counts").toString()).isEqualTo("[2,100,10,50,5,20]");
    }

    @Test
    void byteIdenticalAndIndependentOfResultOrder() {
        ReportInput a = fixture();
        List<EvaluationResult> shuffled = new ArrayList<>(a.results());
        Collections.shuffle(shuffled, new Random(3));
        List<SplitCounts> splits = new ArrayList<>(a.splits());
        Collections.reverse(splits);
        ReportInput b = new ReportInput(a.workflow(), a.dataset(), a.params(), a.grouping(), splits, shuffled);
        SortedMap<String, byte[]> first = ReportRenderer.render(a);
        SortedMap<String, byte[]> again = ReportRenderer.render(a);
        SortedMap<String, byte[]> reordered = ReportRenderer.render(b);
        for (String name : first.keySet()) {
            assertThat(again.get(name)).isEqualTo(first.get(name));
            assertThat(reordered.get(name)).isEqualTo(first.get(name));
        }
    }

    @Test
    void htmlIsSelfContainedWithChartsForEveryEvaluation() {
        String html = text(ReportRenderer.render(fixture()), "report.html");
        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html).doesNotContain("<script");
        assertThat(html).doesNotContain("src=");
        assertThat(html).doesNotContain("href=");
        assertThat(html).doesNotContain("url(");
        assertThat(html).doesNotContain("@import");
        // Two charts (group bars, per-class lines) for each of linear, fewshot, knn.
        assertThat(html.split("<svg ", -1)).hasLength(7);
        assertThat(html).contains("<td class=\"n\">93.75 ± 1.25</td>");
        assertThat(html).contains("/data/fashion|mnist");
    }

    @Test
    void markdownTablesFollowThePaper() {
        String md = text(ReportRenderer.render(fixture()), "report.md");
        assertThat(md).contains("| Method | Many | Medium | Few | Std | All |");
        assertThat(md).contains("| SDCLR | 93.75 ± 1.25 | 65.00 ± 0.00 | 35.00 ± 0.00 |");
        assertThat(md).contains("2 splits");
        assertThat(md).contains("Many 2, Medium 2, Few 2 classes");
        assertThat(md).contains("SimCLR: 1 of 2 splits (0).");
        assertThat(md.indexOf("| SimCLR |")).isLessThan(md.indexOf("| SDCLR |"));
        assertThat(md.indexOf("| SDCLR |")).isLessThan(md.indexOf("| bcl |"));
    }

    @Test
    void inconsistentInputIsRejectedWithTheCulprit() {
        ReportInput base = fixture();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReportRenderer.render(
                ReportInput.of("w", "d", Map.of(), base.splits(),
                        List.of(new EvaluationResult("sdclr", "linear", 7, new double[6])))));
        assertThat(e).hasMessageThat().contains("sdclr/linear has a result for split 7");
        e = assertThrows(IllegalArgumentException.class, () -> ReportRenderer.render(
                ReportInput.of("w", "d", Map.of(), base.splits(),
                        List.of(new EvaluationResult("sdclr", "linear", 0, new double[5])))));
        assertThat(e).hasMessageThat().contains("has 5 per-class accuracies, expected 6");
        e = assertThrows(IllegalArgumentException.class, () -> ReportRenderer.render(
                ReportInput.of("w", "d", Map.of(), base.splits(), List.of(
                        new EvaluationResult("sdclr", "linear", 0, new double[6]),
                        new EvaluationResult("sdclr", "linear", 0, new double[6])))));
        assertThat(e).hasMessageThat().contains("sdclr/linear has two results for split 0");
        e = assertThrows(IllegalArgumentException.class,
                () -> new EvaluationResult("sdclr", "linear", 0, new double[] {50, Double.NaN}));
        assertThat(e).hasMessageThat().contains("class 1 accuracy is NaN");
        e = assertThrows(IllegalArgumentException.class,
                () -> ReportInput.of("w", "d", Map.of("x", List.of(1)), base.splits(), List.of()));
        assertThat(e).hasMessageThat().contains("parameter x has value [1]");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
