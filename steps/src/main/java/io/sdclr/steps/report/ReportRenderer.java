package io.sdclr.steps.report;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Renders the three report files of a workflow run.
 *
 * <pre>{@code
 * SortedMap<String, byte[]> files = ReportRenderer.render(ReportInput.of(
 *     "cifar10-lt", "cifar10", params, splitCounts, results));
 * files.get("results.json");   // the CLI contract's machine-readable summary
 * files.get("report.md");      // the paper's tables
 * files.get("report.html");    // the same with inline SVG charts
 * }</pre>
 *
 * <p>Output is a pure function of the input: no timestamps, no host names, numbers formatted from their exact value,
 * methods in the order simclr, sdclr, then others alphabetically, evaluations linear, fewshot, knn, then others
 * alphabetically, splits ascending, parameters in the input map's order. Results may arrive in any order.
 */
final class ReportRenderer {

    public static final String RESULTS_JSON = "results.json";
    public static final String REPORT_MD = "report.md";
    public static final String REPORT_HTML = "report.html";

    private ReportRenderer() {}

    /** File name → UTF-8 bytes for {@code results.json}, {@code report.md} and {@code report.html}. */
    public static SortedMap<String, byte[]> render(ReportInput input) {
        ReportModel model = new ReportModel(input);
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put(RESULTS_JSON, ResultsJson.render(model).getBytes(StandardCharsets.UTF_8));
        files.put(REPORT_MD, MarkdownReport.render(model).getBytes(StandardCharsets.UTF_8));
        files.put(REPORT_HTML, HtmlReport.render(model).getBytes(StandardCharsets.UTF_8));
        return Collections.unmodifiableSortedMap(files);
    }
}
