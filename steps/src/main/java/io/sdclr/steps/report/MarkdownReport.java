package io.sdclr.steps.report;

import io.sdclr.steps.internal.metrics.GroupSummary;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.List;
import java.util.Map;

/**
 * {@code report.md}: the paper's tables (one per evaluation), what the balanced control shows, the paper's own numbers
 * (or this run's budget beside the paper's), the training curves' first and last values, the PIE tables, the per-split
 * class counts and the parameters. Charts and example images are in {@code report.html} only.
 */
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
            if (evaluation.equals(BalancedControl.EVALUATION)) {
                BalancedControl.of(model).ifPresent(c -> md.append('\n').append(c.sentence()).append('\n'));
            }
        }
        paper(md, model);
        curves(md, model);
        pies(md, model);

        boolean named = ClassNames.of(in.dataset()).isPresent();
        md.append("\n## Class counts in D_i per split (columns: ").append(named ? "class" : "class id").append(")\n\n");
        md.append("| Split |");
        for (int c = 0; c < model.numClasses; c++) {
            md.append(" ").append(Format.markdownCell(model.classNames.get(c))).append(" |");
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
        return ReportText.meanSd(v);
    }

    /** The paper's numbers beside ours where the dataset matches; this run's budget beside the paper's. */
    private static void paper(StringBuilder md, ReportModel model) {
        String dataset = model.input.dataset();
        List<PaperResults.Row> rows = PaperResults.rows(dataset);
        md.append("\n## Paper (GPU scale)\n\n");
        if (!rows.isEmpty()) {
            md.append("The paper's ").append(PaperResults.paperDataset(dataset))
                    .append(" numbers (Jiang et al., ICML 2021) beside this run's.\n\n");
            md.append("| ").append(PaperResults.paperDataset(dataset)).append(" | SimCLR (paper) | SDCLR (paper) |"
                    + " SimCLR (this run) | SDCLR (this run) |\n|---|---:|---:|---:|---:|\n");
            for (PaperResults.Row r : rows) {
                md.append("| ").append(r.label()).append(" | ").append(ReportText.paperNumber(r.simclr()))
                        .append(" | ").append(ReportText.paperNumber(r.sdclr())).append(" | ")
                        .append(ReportText.ours(model, "simclr", r)).append(" | ")
                        .append(ReportText.ours(model, "sdclr", r)).append(" |\n");
            }
            md.append('\n');
        }
        md.append(PaperResults.budget(dataset, model.input.params())).append('\n');
    }

    /** First and last value of every pretraining's curves (the charts are in report.html). */
    private static void curves(StringBuilder md, ReportModel model) {
        if (model.curves.isEmpty()) {
            return;
        }
        md.append("\n## Training curves\n\n").append(ReportText.curvesLine())
                .append(" Charts in report.html.\n\n")
                .append("| Method | Split | Epochs | Loss, first epoch | Loss, last epoch | Mask kept, last epoch |"
                        + " Threshold, last epoch |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<TrainingCurve>> e : model.curves.entrySet()) {
            for (TrainingCurve c : e.getValue()) {
                double[] loss = c.loss();
                double[] kept = c.maskKept();
                double[] threshold = c.maskThreshold();
                md.append("| ").append(Format.markdownCell(Format.methodName(e.getKey()))).append(" | ")
                        .append(c.split()).append(" | ").append(loss.length).append(" | ")
                        .append(loss.length == 0 ? "—" : Format.fixed(loss[0], 4)).append(" | ")
                        .append(loss.length == 0 ? "—" : Format.fixed(loss[loss.length - 1], 4)).append(" | ")
                        .append(kept.length == 0 ? "—" : Format.fixed(100 * kept[kept.length - 1], 2) + " %")
                        .append(" | ")
                        .append(threshold.length == 0 ? "—" : Format.fixed(threshold[threshold.length - 1], 5))
                        .append(" |\n");
            }
        }
    }

    /** The PIE tables; the chart, per-class rates and example grid are in report.html. */
    private static void pies(StringBuilder md, ReportModel model) {
        if (model.pies.isEmpty()) {
            return;
        }
        md.append("\n## Pruning-identified exemplars (PIEs)\n\n").append(ReportText.pieDefinition(model))
                .append("\n");
        if (model.hasPrimaryPies()) {
            md.append("\nPIE rate (%) by group, linear classifiers on the images of D_i:\n\n"
                    + "| Method | Many | Medium | Few | All |\n|---|---:|---:|---:|---:|\n");
            for (PieModel.Method m : model.pies.values()) {
                if (m.hasPrimary()) {
                    md.append("| ").append(Format.markdownCell(Format.methodName(m.method())));
                    for (MeanSd v : m.primary().groups().asList()) {
                        md.append(" | ").append(cell(v));
                    }
                    md.append(" |\n");
                }
            }
        }
        md.append("\nPIE rate (%) by classifier and images, with the dense and the pruned network's mean per-class"
                + " accuracy (%) on the same images:\n\n| Method | Classifier | Images | Many | Medium | Few | All |"
                + " Dense accuracy | Pruned accuracy |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (PieModel.Method m : model.pies.values()) {
            for (PieModel.RateSet r : m.rateSets()) {
                md.append("| ").append(Format.markdownCell(Format.methodName(m.method()))).append(" | ")
                        .append(Format.markdownCell(r.classifier())).append(" | ")
                        .append(Format.markdownCell(ReportText.imagesName(r.images())));
                for (MeanSd v : r.groups().asList()) {
                    md.append(" | ").append(cell(v));
                }
                md.append(" | ").append(cell(r.denseAccuracy())).append(" | ").append(cell(r.prunedAccuracy()))
                        .append(" |\n");
            }
        }
        md.append("\nThe chart of PIE rate by class size, the per-class PIE rates and the grid of example PIEs and"
                + " non-PIEs are in report.html.\n");
    }

    private static String splitList(ReportModel.Cell cell) {
        StringBuilder b = new StringBuilder();
        for (EvaluationResult r : cell.perSplit()) {
            b.append(b.length() == 0 ? "" : ", ").append(r.split());
        }
        return b.toString();
    }
}
