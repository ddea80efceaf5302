package io.sdclr.pipeline.cli;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.sdclr.dsl.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    /** A sweep point's record: prune and epochs swept, linear/pie results for simclr and sdclr. */
    private static JsonNode point(int p, String prune, String epochs, double sdclrFew, double sd) throws Exception {
        return RunHistory.JSON.readTree(("""
                {"runId":"S-p%d","workflow":"fmnist-lt","sweep":"S","codeId":"c0ffee",
                 "point":{"pretrain.prune":"%s","pretrain.epochs":"%s"},
                 "set":{"subset.splits":"1","pretrain.prune":"%s","pretrain.epochs":"%s"},
                 "params":{"pretrain.prune":"%s","pretrain.epochs":"%s","subset.splits":"1","data.dir":"/d"},
                 "results":{"methods":{
                   "simclr":{"linear":{"all":{"mean":80.0,"sd":0.5},"few":{"mean":70.0,"sd":0.0}}},
                   "sdclr":{"linear":{"all":{"mean":81.0,"sd":0.25},"few":{"mean":%s,"sd":%s}},
                            "pie":{"few":{"mean":8.5,"sd":0}}}}}}
                """).formatted(p, prune, epochs, prune, epochs, prune, epochs, sdclrFew, sd));
    }

    private static List<JsonNode> sweep() throws Exception {
        return List.of(point(1, "0.5", "5", 71.0, 1.0), point(2, "0.5", "20", 75.5, 0.0),
                point(3, "0.9", "5", 72.0, 2.0), point(4, "0.9", "20", 76.25, 0.0));
    }

    @Test
    void oneMeasureHasAColumnPerMethodAndRowsSayWhatDiffers() throws Exception {
        String t = new Comparison(sweep(), List.of("linear"), List.of("few"), List.of()).table();
        assertThat(t).startsWith("linear, few (test accuracy %, mean ± sd over splits)\n\n"
                + "| run | differs | simclr | sdclr |\n|---|---|---:|---:|\n");
        assertThat(t).contains("| S-p1 | pretrain.prune=0.5 pretrain.epochs=5 | 70.00 ± 0.00 | 71.00 ± 1.00 |\n");
        assertThat(t).contains("| S-p4 | pretrain.prune=0.9 pretrain.epochs=20 | 70.00 ± 0.00 | 76.25 ± 0.00 |\n");
    }

    @Test
    void severalEvaluationsAndGroupsMakeMethodTimesEvaluationTimesGroupColumns() throws Exception {
        String t = new Comparison(sweep(), List.of("linear", "pie"), List.of("few", "all"), List.of("sdclr"))
                .table();
        assertThat(t).startsWith("linear, pie × few, all: test accuracy % (linear), PIE rate % (pie); mean ± sd over "
                + "splits\n");
        assertThat(t).contains("| run | differs | sdclr linear few | sdclr linear all | sdclr pie few | sdclr pie all |");
        assertThat(t).contains("| S-p2 | pretrain.prune=0.5 pretrain.epochs=20 | 75.50 ± 0.00 | 81.00 ± 0.25 "
                + "| 8.50 ± 0.00 | — |\n");
    }

    @Test
    void runsOfDifferentWorkflowsSayWhichMethodsAllHave() throws Exception {
        List<JsonNode> runs = new ArrayList<>(sweep().subList(0, 1));
        runs.add(RunHistory.JSON.readTree("""
                {"runId":"R2","workflow":"smoke","params":{"pretrain.prune":"0.9"},
                 "results":{"methods":{"sdclr":{"linear":{"all":{"mean":40.0,"sd":1.0}}}}}}"""));
        runs.add(RunHistory.JSON.readTree("{\"runId\":\"R3\",\"workflow\":\"smoke\",\"runner\":\"direct\"}"));
        String t = new Comparison(runs, List.of("linear"), List.of("all"), List.of()).table();
        assertThat(t).startsWith("runs of fmnist-lt, smoke: every run has sdclr; only some have simclr "
                + "(— where a run has none)\n");
        assertThat(t).contains("| R2 | pretrain.prune=0.9 pretrain.epochs=? subset.splits=? data.dir=? | — | 40.00 ± 1.00 |");
        assertThat(t).contains("| R3 | (no results) | — | — |");
    }

    @Test
    void badEvaluationGroupMethodOrAxisIsAnInputError() throws Exception {
        List<JsonNode> runs = sweep();
        assertThat(assertThrows(InvalidInputException.class,
                () -> new Comparison(runs, List.of("linear", "probe"), List.of("all"), List.of()))).hasMessageThat()
                .isEqualTo("--eval probe: expected one or more of linear, fewshot, knn, knn20, pie (comma-separated)");
        assertThat(assertThrows(InvalidInputException.class,
                () -> new Comparison(runs, List.of("linear"), List.of("tail"), List.of()))).hasMessageThat()
                .startsWith("--group tail: expected one or more of all, many, medium, few, std");
        assertThat(assertThrows(InvalidInputException.class,
                () -> new Comparison(runs, List.of("linear"), List.of("all"), List.of("byol")))).hasMessageThat()
                .isEqualTo("--method byol: no compared run has it; their methods: simclr, sdclr");
        Comparison c = new Comparison(runs, List.of("linear"), List.of("all"), List.of());
        assertThat(assertThrows(InvalidInputException.class, () -> c.xKey("data.dir"))).hasMessageThat()
                .isEqualTo("--x data.dir: not a number that differs between these runs (those that do: "
                        + "pretrain.prune, pretrain.epochs)");
    }

    @Test
    void chartsPutTheParameterWithTheMostValuesOnX() throws Exception {
        List<JsonNode> runs = new ArrayList<>(sweep());
        runs.add(point(5, "0.7", "5", 73.0, 0.5));
        Comparison c = new Comparison(runs, List.of("linear"), List.of("few"), List.of());
        assertThat(c.varying()).containsExactly("pretrain.prune", "pretrain.epochs").inOrder();
        assertThat(c.xKey(null)).hasValue("pretrain.prune");
        assertThat(c.xKey("pretrain.epochs")).hasValue("pretrain.epochs");
    }

    @Test
    void htmlHasTheTableAndALinePerMethodAndOtherValueWithErrorBars() throws Exception {
        Comparison c = new Comparison(sweep(), List.of("linear"), List.of("few", "all"), List.of());
        String h = c.html("sdclr compare S", c.xKey(null));
        assertThat(h).startsWith("<!DOCTYPE html>");
        assertThat(h).contains("<code>sdclr compare S</code>");
        assertThat(h).contains("<td class=\"num\">76.25 ± 0.00</td>");
        assertThat(count(h, "<svg ")).isEqualTo(2); // linear few, linear all
        // simclr and sdclr, each at epochs 5 and 20: four lines per chart, two points each.
        assertThat(count(h, "<polyline ")).isEqualTo(8);
        // Two values each: the tie goes to the first swept key.
        assertThat(h).contains("linear · few: test accuracy % against pretrain.prune");
        assertThat(h).contains(">sdclr, epochs=20</text>");
        // Wide enough for the longest legend entry (simclr, epochs=20), wider than the report's 640 px charts.
        assertThat(h).contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"670.0\" height=\"300.0\"");
        assertThat(h).contains("<title>sdclr, pretrain.epochs=20: pretrain.prune=0.9: 76.25 ± 0.00 (run S-p4)</title>");
        // Error bars only where sd > 0: sdclr few at (0.5, 5) and (0.9, 5), sdclr all x4, simclr all x4.
        assertThat(count(h, "<path d=\"M")).isEqualTo(2 + 4 + 4);
    }

    @Test
    void runsThatDifferInNoNumberGetNoChart() throws Exception {
        List<JsonNode> runs = List.of(sweep().get(0), sweep().get(0));
        Comparison c = new Comparison(runs, List.of("linear"), List.of("all"), List.of());
        assertThat(c.xKey(null)).isEqualTo(Optional.empty());
        assertThat(c.table()).contains("| S-p1 | (same parameters) |");
        assertThat(c.html("x", Optional.empty())).contains("No chart: these runs do not differ in a numeric parameter");
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
