package io.sdclr.steps.report;

import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.internal.metrics.MeanSd;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Sentences and cells that {@code report.md} and {@code report.html} share. */
final class ReportText {

    private ReportText() {}

    /** "12.34 ± 0.56"; NaN parts as an em dash. */
    static String meanSd(MeanSd v) {
        return Format.fixed(v.mean(), 2) + " ± " + Format.fixed(v.sd(), 2);
    }

    /** A paper number: "75.55 ± 0.66", or "67.08" where the paper gives no sd. */
    static String paperNumber(MeanSd v) {
        return Double.isNaN(v.sd()) ? Format.fixed(v.mean(), 2) : meanSd(v);
    }

    static String imagesName(String images) {
        return switch (images) {
            case "train" -> "D_i";
            case "test" -> "test set";
            default -> images;
        };
    }

    static String curvesLine() {
        return "Mean contrastive loss of each pretraining epoch, one line per pretraining (colour: method; its split in"
                + " the tooltip). For SDCLR, the pruning mask rebuilt from the dense weights at the start of each"
                + " epoch: the fraction of conv weights it kept and its magnitude threshold.";
    }

    /** What a PIE is here, with the run's pruning ratio and mask (from the analyses). */
    static String pieDefinition(ReportModel model) {
        TreeSet<String> prune = new TreeSet<>();
        double keptLo = Double.POSITIVE_INFINITY;
        double keptHi = Double.NEGATIVE_INFINITY;
        Map<String, TreeSet<String>> bnSets = new TreeMap<>();
        List<String> bnOrder = new ArrayList<>();
        for (PieModel.Method m : model.pies.values()) {
            for (PieAnalysis a : m.perSplit()) {
                prune.add(Format.paramValue(a.getPrune()));
                keptLo = Math.min(keptLo, a.getMaskKept());
                keptHi = Math.max(keptHi, a.getMaskKept());
                bnSets.computeIfAbsent(m.method(), k -> new TreeSet<>()).add(a.getBnSet());
            }
            bnOrder.add(m.method());
        }
        String kept = Format.fixed(100 * keptLo, 1)
                + (keptHi - keptLo < 5e-4 ? "" : "–" + Format.fixed(100 * keptHi, 1));
        List<String> bn = new ArrayList<>();
        for (String m : bnOrder) {
            bn.add(Format.shortMethodName(m) + " " + String.join("/", bnSets.get(m)));
        }
        return "A PIE (pruning-identified exemplar) is an image on which an encoder and its magnitude-pruned copy"
                + " disagree. The copy keeps the conv weights above one global magnitude threshold (the SDCLR mask"
                + " rule) at the run's pruning ratio p = " + String.join(" / ", prune) + " (it keeps " + kept
                + " % of them; BatchNorm set of the pruned copy: " + String.join(", ", bn) + "). The dense network"
                + " and the pruned copy are each classified by their own linear classifier (or kNN) trained on their"
                + " own features of the held-out validation set. This is the single-model form of Hooker et al.'s"
                + " (2019) definition, which compares with the modal label of several models. A class's PIE rate is"
                + " the percent of its images that are PIEs; a group's rate is the mean per-class rate of its classes"
                + " (grouped by D_i count, as for the accuracies), mean ± population std over splits. Unless named"
                + " otherwise: linear classifiers on the images of D_i.";
    }

    /** Class ids by their D_i count averaged over the report's splits, largest first (ties: lower id first). */
    static int[] classesByMeanCount(ReportModel model) {
        double[] mean = new double[model.numClasses];
        for (SplitCounts s : model.splits) {
            int[] counts = s.classCounts();
            for (int c = 0; c < counts.length; c++) {
                mean[c] += counts[c];
            }
        }
        List<Integer> ids = new ArrayList<>();
        for (int c = 0; c < model.numClasses; c++) {
            ids.add(c);
        }
        ids.sort(Comparator.<Integer>comparingDouble(c -> -mean[c]).thenComparingInt(c -> c));
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A class's D_i count: one number, or one per split ("50 / 2") where the splits differ. */
    static String countsOf(ReportModel model, int c) {
        TreeSet<Integer> distinct = new TreeSet<>();
        List<String> perSplit = new ArrayList<>();
        for (SplitCounts s : model.splits) {
            distinct.add(s.classCounts()[c]);
            perSplit.add(Integer.toString(s.classCounts()[c]));
        }
        return distinct.size() == 1 ? perSplit.get(0) : String.join(" / ", perSplit);
    }

    /** This run's number for a paper row: the method's mean ± sd, or an em dash. */
    static String ours(ReportModel model, String method, PaperResults.Row row) {
        ReportModel.Cell cell = model.cells.containsKey(method) ? model.cells.get(method).get(row.evaluation()) : null;
        if (cell == null) {
            return "—";
        }
        return meanSd(switch (row.group()) {
            case "many" -> cell.summary().many();
            case "medium" -> cell.summary().medium();
            case "few" -> cell.summary().few();
            default -> cell.summary().all();
        });
    }
}
