package io.sdclr.steps.report;

import io.sdclr.steps.avro.PieAnalysis;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@link ReportRenderer} needs.
 *
 * <pre>{@code
 * Map<String, Object> params = new LinkedHashMap<>();
 * params.put("subset.nMax", 4500);
 * params.put("probe.lr", 30.0);
 * ReportInput in = ReportInput.of("cifar10-lt", "cifar10", params, splitCounts, results)
 *     .withCurves(curves)    // optional: training curves of the pretrainings
 *     .withPies(pies);       // optional: PIE analyses of the encoders
 * }</pre>
 *
 * @param workflow workflow name
 * @param dataset dataset name
 * @param params parameters in display order; values are String, Number or Boolean
 * @param grouping the Many / Medium / Few rule
 * @param splits D_i class counts per split
 * @param results one entry per (method, evaluation, split), any order
 * @param evaluationLabels display names of evaluations whose name does not say enough (e.g. {@code knn} →
 *     "kNN, k = 200"); others are named by their evaluation name
 * @param curves training curves, one per pretraining, any order; empty: no curves section
 * @param pies PIE analyses, one per encoder, any order; empty: no PIE section
 */
record ReportInput(
        String workflow,
        String dataset,
        Map<String, Object> params,
        Grouping grouping,
        List<SplitCounts> splits,
        List<EvaluationResult> results,
        Map<String, String> evaluationLabels,
        List<TrainingCurve> curves,
        List<PieAnalysis> pies) {

    public ReportInput {
        if (workflow == null || dataset == null || grouping == null) {
            throw new IllegalArgumentException("workflow, dataset and grouping must not be null");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : params.entrySet()) {
            Object v = e.getValue();
            boolean finite = !(v instanceof Double d && !Double.isFinite(d)) && !(v instanceof Float f && !Float.isFinite(f));
            boolean known = v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
                    || v instanceof Short || v instanceof Byte || v instanceof Double || v instanceof Float
                    || v instanceof BigDecimal || v instanceof BigInteger;
            if (e.getKey() == null || !known || !finite) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has value " + v
                        + (v == null ? "" : " (" + v.getClass().getSimpleName() + ")")
                        + ", expected a String, Boolean or finite Number");
            }
            copy.put(e.getKey(), v);
        }
        params = Collections.unmodifiableMap(copy);
        splits = List.copyOf(splits);
        results = List.copyOf(results);
        evaluationLabels = Map.copyOf(evaluationLabels);
        curves = List.copyOf(curves);
        pies = List.copyOf(pies);
    }

    /** Without training curves or PIE analyses. */
    public ReportInput(String workflow, String dataset, Map<String, Object> params, Grouping grouping,
            List<SplitCounts> splits, List<EvaluationResult> results, Map<String, String> evaluationLabels) {
        this(workflow, dataset, params, grouping, splits, results, evaluationLabels, List.of(), List.of());
    }

    /** Without evaluation labels. */
    public ReportInput(String workflow, String dataset, Map<String, Object> params, Grouping grouping,
            List<SplitCounts> splits, List<EvaluationResult> results) {
        this(workflow, dataset, params, grouping, splits, results, Map.of());
    }

    /** With the ⌊C/3⌋ grouping (CIFAR, Fashion-MNIST). */
    public static ReportInput of(
            String workflow,
            String dataset,
            Map<String, Object> params,
            List<SplitCounts> splits,
            List<EvaluationResult> results) {
        return new ReportInput(workflow, dataset, params, Grouping.thirds(), splits, results);
    }

    /** A copy with these training curves. */
    public ReportInput withCurves(List<TrainingCurve> newCurves) {
        return new ReportInput(workflow, dataset, params, grouping, splits, results, evaluationLabels, newCurves,
                pies);
    }

    /** A copy with these PIE analyses. */
    public ReportInput withPies(List<PieAnalysis> newPies) {
        return new ReportInput(workflow, dataset, params, grouping, splits, results, evaluationLabels, curves,
                newPies);
    }
}
