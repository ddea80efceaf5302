package io.sdclr.steps.report;

import io.sdclr.steps.internal.metrics.GroupSummary;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.Map;

/** {@code report.md}: the paper's tables (one per evaluation), the per-split class counts and the parameters. */
final class MarkdownReport {

    private MarkdownReport() {}

    static String render(ReportModel model) {
        ReportInput in = model.input;
        StringBuilder md = new StringBuilder();
        md.append("# SDCLR report: ").append(in.workflow()).append("\n\n");
        md.append("Dataset: ").append(in.dataset()).append(". ").append(summaryLine(model)).append("\n\n");
        md.append("Accuracies are top-1 test accuracy in percent, mean ± population std over splits. "
                        + "Std is the population std of [Many, Medium, Few] within a split, averaged over splits. "
                        + "Groups: ")
                .append(in.grouping().describe())
                .append(".\n");
        for (String evaluation : model.evaluations) {
            md.append("\n## ").append(model.label(evaluation)).append("\n\n");
            md.append("| Method | Many | Medium | Few | Std | All |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            StringBuilder notes = new StringBuilder();
            for (Map.Entry<String, ReportModel.Cell> e : model.column(evaluation).entrySet()) {
                GroupSummary s = e.getValue().summary();
                md.append("| ").append(Format.markdownCell(Format.methodName(e.getKey())))
                        .append(" | ").append(cell(s.many()))
                        .append(" | ").append(cell(s.medium()))
                        .append(" | ").append(cell(s.few()))
                        .append(" | ").append(cell(s.std()))
                        .append(" | ").append(cell(s.all()))
                        .append(" |\n");
                int n = e.getValue().perSplit().size();
                if (n != model.splits.size()) {
                    notes.append("\n").append(Format.methodName(e.getKey())).append(": ").append(n).append(" of ")
                            .append(model.splits.size()).append(" splits (")
                            .append(splitList(e.getValue())).append(").\n");
                }
            }
            md.append(notes);
        }

        md.append("\n## Class counts in D_i per split (columns: class id)\n\n");
        md.append("| Split |");
        for (int c = 0; c < model.numClasses; c++) {
            md.append(" ").append(c).append(" |");
        }
        md.append(" Total |\n|---:|");
        md.append("---:|".repeat(model.numClasses + 1)).append('\n');
        for (SplitCounts s : model.splits) {
            md.append("| ").append(s.split()).append(" |");
            int total = 0;
            for (int n : s.classCounts()) {
                md.append(" ").append(n).append(" |");
                total += n;
            }
            md.append(" ").append(total).append(" |\n");
        }

        md.append("\n## Parameters\n\n");
        if (in.params().isEmpty()) {
            md.append("(none)\n");
        } else {
            md.append("| Parameter | Value |\n|---|---|\n");
            in.params().forEach((k, v) -> md.append("| ").append(Format.markdownCell(k)).append(" | ")
                    .append(Format.markdownCell(Format.paramValue(v))).append(" |\n"));
        }
        return md.toString();
    }

    /** "3 splits; groups by D_i count: Many 4, Medium 3, Few 3 classes." */
    static String summaryLine(ReportModel model) {
        int n = model.splits.size();
        return n + (n == 1 ? " split" : " splits") + " (one pretraining per split), " + model.numClasses
                + " classes; groups by D_i count: " + model.groupSizes() + ".";
    }

    private static String cell(MeanSd v) {
        return Format.fixed(v.mean(), 2) + " ± " + Format.fixed(v.sd(), 2);
    }

    private static String splitList(ReportModel.Cell cell) {
        StringBuilder b = new StringBuilder();
        for (EvaluationResult r : cell.perSplit()) {
            b.append(b.length() == 0 ? "" : ", ").append(r.split());
        }
        return b.toString();
    }
}
