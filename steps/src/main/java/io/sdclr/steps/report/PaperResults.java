package io.sdclr.steps.report;

import io.sdclr.steps.internal.metrics.MeanSd;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * The paper's own numbers (SDCLR, ICML 2021, at GPU scale; sdclr-protocol.md "Reported results") for the datasets it
 * reports, and a sentence putting this run's pretraining budget beside the paper's.
 *
 * <pre>{@code
 * PaperResults.rows("cifar10");                    // Linear All, Linear Few, Few-shot All
 * PaperResults.budget("fashion-mnist", params);    // "This run pretrains 5 epochs of a width-0.25 ResNet-18 ..."
 * }</pre>
 */
final class PaperResults {

    /**
     * One reported number pair.
     *
     * @param evaluation the report's evaluation name ({@code linear}, {@code fewshot})
     * @param group {@code many}, {@code medium}, {@code few} or {@code all}
     * @param simclr SimCLR, mean ± sd over the paper's splits (sd NaN where the paper gives none)
     * @param sdclr SDCLR, likewise
     */
    record Row(String evaluation, String group, MeanSd simclr, MeanSd sdclr) {
        String label() {
            return Format.evaluationName(evaluation) + ", " + switch (group) {
                case "many" -> "Many";
                case "medium" -> "Medium";
                case "few" -> "Few";
                default -> "All";
            };
        }
    }

    private static final String CIFAR_NOTE = "2,000 epochs at width 1 (ResNet-18, batch 512)";
    private static final String IMAGENET_NOTE = "500 epochs at width 1 (batch 256)";

    private PaperResults() {}

    /** The paper's rows for {@code dataset}; empty for a dataset the paper does not report. */
    static List<Row> rows(String dataset) {
        return switch (dataset) {
            case "cifar10" -> List.of(
                    new Row("linear", "all", new MeanSd(75.55, 0.66), new MeanSd(82.00, 0.68)),
                    new Row("linear", "few", new MeanSd(71.37, 7.07), new MeanSd(76.23, 6.29)),
                    new Row("fewshot", "all", noSd(67.08), noSd(70.47)));
            case "cifar100" -> List.of(
                    new Row("linear", "all", new MeanSd(47.11, 0.34), new MeanSd(55.48, 0.62)),
                    new Row("fewshot", "all", noSd(22.96), noSd(25.27)));
            case "imagenet-100" -> List.of(new Row("linear", "all", noSd(65.46), noSd(66.48)));
            default -> List.of();
        };
    }

    /** The paper's dataset name, for the table heading: "CIFAR10-LT". */
    static String paperDataset(String dataset) {
        return switch (dataset) {
            case "cifar10" -> "CIFAR10-LT";
            case "cifar100" -> "CIFAR100-LT";
            case "imagenet-100" -> "ImageNet-100-LT";
            default -> dataset;
        };
    }

    /**
     * This run's pretraining budget beside the paper's, from the shown parameters {@code pretrain.epochs}, {@code
     * pretrain.width}, {@code pretrain.arch} and {@code pretrain.batch} (each part left out when its parameter is not
     * shown); for a dataset the paper does not report, a sentence saying its numbers are not comparable; and whether
     * the probes trained on cached features rather than on augmented images as the official code does.
     */
    static String budget(String dataset, Map<String, Object> params) {
        boolean imagenet = dataset.equals("imagenet-100");
        int paperEpochs = imagenet ? 500 : 2000;
        String paperRuns = imagenet ? "The paper's ImageNet-100-LT runs train " + IMAGENET_NOTE
                : "The paper's CIFAR runs train " + CIFAR_NOTE;
        StringBuilder b = new StringBuilder();
        Double epochs = number(params.get("pretrain.epochs"));
        Double width = number(params.get("pretrain.width"));
        Double batch = number(params.get("pretrain.batch"));
        Object arch = params.get("pretrain.arch");
        if (epochs != null) {
            String net = arch instanceof String a ? archName(a) : "network";
            b.append("This run pretrains " + Format.paramValue(params.get("pretrain.epochs"))
                    + (epochs == 1 ? " epoch" : " epochs") + " of a "
                    + (width == null ? "" : "width-" + Format.paramValue(params.get("pretrain.width")) + " ") + net
                    + (width == null || width == 1 ? "" : " (" + weightShare(width) + " of the paper's conv weights)")
                    + (batch == null ? "" : " at batch " + Format.paramValue(params.get("pretrain.batch"))))
                    .append("; ").append(Character.toLowerCase(paperRuns.charAt(0)))
                    .append(paperRuns.substring(1)).append(" — this run has ").append(percent(epochs / paperEpochs))
                    .append(" of its epochs.");
        } else {
            b.append(paperRuns).append('.');
        }
        if (rows(dataset).isEmpty()) {
            b.append(" The paper's numbers are not comparable on this dataset.");
        } else {
            b.append(" At this budget expect the paper's direction (SDCLR above SimCLR, most on Few), not its values.");
        }
        if (Boolean.FALSE.equals(params.get("probe.augment"))) {
            b.append(" The linear").append(Boolean.FALSE.equals(params.get("fewshot.augment")) ? " and few-shot probes"
                    : " probe").append(" train on cached, un-augmented features (probe.augment=false); the official"
                    + " probes train on augmented images through the frozen encoder.");
        }
        return b.toString();
    }

    private static MeanSd noSd(double mean) {
        return new MeanSd(mean, Double.NaN);
    }

    private static Double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static String archName(String arch) {
        return switch (arch) {
            case "resnet18" -> "ResNet-18";
            case "resnet50" -> "ResNet-50";
            default -> arch;
        };
    }

    /** Conv weights scale with width squared: 0.25 → "1/16", 0.3 → "9 %". */
    private static String weightShare(double width) {
        double share = width * width;
        double inverse = 1 / share;
        if (Math.abs(inverse - Math.rint(inverse)) < 1e-9 && inverse >= 1) {
            return "1/" + (long) Math.rint(inverse);
        }
        return percent(share);
    }

    /** A fraction as a percentage with at most 3 significant digits: 0.0025 → "0.25 %". */
    static String percent(double fraction) {
        BigDecimal p = new BigDecimal(100 * fraction).round(new MathContext(3, RoundingMode.HALF_UP))
                .stripTrailingZeros();
        return (p.signum() == 0 ? "0" : p.toPlainString()) + " %";
    }
}
