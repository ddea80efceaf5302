package io.sdclr.steps.report;

import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.PieExample;
import io.sdclr.steps.avro.PieRates;
import io.sdclr.steps.avro.TrainSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Report inputs with the evidence: training curves, PIE analyses with example images, the balanced control. The
 * six-class {@link #toy()} builds on {@link ReportRendererTest#fixture()} (its splits and linear results) so the
 * numbers can be checked by hand; {@link #tenClass(String, int)} is a ten-class run for the named-dataset checks and
 * the browser.
 */
final class EvidenceFixture {

    private EvidenceFixture() {}

    /** Split 0 counts {50, 20, 100, 5, 10, 2}; split 1 {2, 100, 10, 50, 5, 20} (as the golden fixture). */
    static final int[][] TOY_COUNTS = {{50, 20, 100, 5, 10, 2}, {2, 100, 10, 50, 5, 20}};

    /**
     * The golden fixture plus: curves of SimCLR and SDCLR on split 0, SDCLR's PIE analyses of both splits (linear on
     * D_i, linear on test, kNN on D_i) and SimCLR's of split 0, and linear results of the balanced control (95 % on
     * every class of both splits).
     */
    static ReportInput toy() {
        ReportInput base = ReportRendererTest.fixture();
        List<EvaluationResult> results = new ArrayList<>(base.results());
        double[] all95 = {95, 95, 95, 95, 95, 95};
        results.add(new EvaluationResult("simclr-balanced", "linear", 0, all95));
        results.add(new EvaluationResult("simclr-balanced", "linear", 1, all95));
        List<TrainingCurve> curves = List.of(
                new TrainingCurve("simclr", 0, new double[] {6.0, 5.5, 5.25}, new double[0], new double[0]),
                new TrainingCurve("sdclr", 0, new double[] {6.5, 6.0, 5.75}, new double[] {0.1, 0.1, 0.1},
                        new double[] {0.0123, 0.0234, 0.0345}));
        List<PieAnalysis> pies = List.of(
                pie(Method.SDCLR, 0, TOY_COUNTS[0], List.of(
                        rates("linear", "train", new double[] {10, 20, 0, 40, 30, 60}, 80, 70),
                        rates("linear", "test", new double[] {1, 2, 3, 4, 5, 6}, 60, 50),
                        rates("knn", "train", new double[] {0, 0, 0, 0, 0, 12}, 75, 74)),
                        examples(6, 1, 28, 0)),
                pie(Method.SDCLR, 1, TOY_COUNTS[1], List.of(
                        rates("linear", "train", new double[] {50, 4, 20, 6, 70, Double.NaN}, 90, 76),
                        rates("knn", "train", new double[] {0, 0, 0, 0, 0, 24}, 85, 80)),
                        examples(6, 1, 28, 100)),
                pie(Method.SIMCLR, 0, TOY_COUNTS[0], List.of(
                        rates("linear", "train", new double[] {5, 5, 5, 5, 5, 5}, 70, 69)),
                        examples(6, 1, 28, 200)));
        return new ReportInput(base.workflow(), base.dataset(), base.params(), base.grouping(), base.splits(),
                results, base.evaluationLabels(), curves, pies);
    }

    /**
     * A ten-class run on {@code dataset} (2 splits, CIFAR-10-LT-like counts in a different class order per split):
     * linear and few-shot results of SimCLR and SDCLR, curves of all four pretrainings, PIE analyses of both methods
     * and splits with examples of {@code channels} × size × size.
     */
    static ReportInput tenClass(String dataset, int channels) {
        int size = channels == 1 ? 28 : 32;
        int[] profile = {4500, 2697, 1617, 969, 581, 348, 208, 125, 75, 45};
        int[][] counts = new int[2][10];
        for (int c = 0; c < 10; c++) {
            counts[0][c] = profile[c];
            counts[1][c] = profile[(c + 3) % 10];
        }
        List<SplitCounts> splits = List.of(new SplitCounts(0, counts[0]), new SplitCounts(1, counts[1]));
        List<EvaluationResult> results = new ArrayList<>();
        List<TrainingCurve> curves = new ArrayList<>();
        List<PieAnalysis> pies = new ArrayList<>();
        for (int split = 0; split < 2; split++) {
            for (int m = 0; m < 2; m++) {
                String method = m == 0 ? "simclr" : "sdclr";
                double[] linear = new double[10];
                double[] fewshot = new double[10];
                double[] rate = new double[10];
                for (int c = 0; c < 10; c++) {
                    double share = Math.log(counts[split][c]) / Math.log(4500);
                    linear[c] = 40 + 40 * share + 5 * m;
                    fewshot[c] = 30 + 30 * share + 3 * m;
                    rate[c] = 30 - 25 * share + 3 * m;
                }
                results.add(new EvaluationResult(method, "linear", split, linear));
                results.add(new EvaluationResult(method, "fewshot", split, fewshot));
                double[] loss = new double[5];
                for (int e = 0; e < 5; e++) {
                    loss[e] = 6.2 - 0.2 * e - 0.05 * split + 0.3 * m;
                }
                curves.add(m == 0 ? new TrainingCurve(method, split, loss, new double[0], new double[0])
                        : new TrainingCurve(method, split, loss, new double[] {0.1, 0.1, 0.1, 0.1, 0.1},
                                new double[] {0.021, 0.022, 0.0235, 0.024, 0.0251}));
                pies.add(pie(m == 0 ? Method.SIMCLR : Method.SDCLR, split, counts[split], List.of(
                        rates("linear", "train", rate, 70 + 5 * m, 60 + 5 * m),
                        rates("knn", "test", rate, 65, 55)), examples(10, channels, size, 1000 * split + 100 * m)));
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("pretrain.arch", "resnet18");
        params.put("pretrain.batch", 256);
        params.put("pretrain.epochs", 5);
        params.put("pretrain.width", 0.25);
        return new ReportInput(dataset + "-lt", dataset, params, Grouping.thirds(), splits, results, Map.of(), curves,
                pies);
    }

    static PieAnalysis pie(Method method, int split, int[] counts, List<PieRates> rates, List<PieExample> examples) {
        List<Integer> c = new ArrayList<>();
        for (int n : counts) {
            c.add(n);
        }
        return PieAnalysis.newBuilder().setMethod(method).setTrainSet(TrainSet.LONG_TAIL).setSplit(split)
                .setPrune(0.9).setMaskKept(0.1).setBnSet(method == Method.SDCLR ? "pruned" : "dense")
                .setClassCounts(c).setRates(rates).setExamples(examples).build();
    }

    static PieRates rates(String classifier, String images, double[] perClass, double dense, double pruned) {
        List<Double> r = new ArrayList<>();
        List<Integer> n = new ArrayList<>();
        for (double v : perClass) {
            r.add(v);
            n.add(Double.isNaN(v) ? 0 : 10);
        }
        return PieRates.newBuilder().setClassifier(classifier).setImages(images).setPerClassRate(r)
                .setPerClassImages(n).setDenseAccuracy(dense).setPrunedAccuracy(pruned).build();
    }

    /** Two examples per class: a PIE (pruned prediction the next class) and a non-PIE; ids from {@code firstId}. */
    static List<PieExample> examples(int numClasses, int channels, int size, long firstId) {
        List<PieExample> out = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            for (int k = 0; k < 2; k++) {
                long id = firstId + 2L * c + k;
                boolean pie = k == 0;
                out.add(PieExample.newBuilder().setId(id).setLabel(c).setPie(pie).setDensePrediction(c)
                        .setPrunedPrediction(pie ? (c + 1) % numClasses : c).setChannels(channels).setHeight(size)
                        .setWidth(size).setPixels(ByteBuffer.wrap(pixels(channels, size, id))).build());
            }
        }
        return out;
    }

    /** Deterministic CHW pixels of example {@code id}: a diagonal pattern that differs per channel and image. */
    static byte[] pixels(int channels, int size, long id) {
        byte[] px = new byte[channels * size * size];
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    px[ch * size * size + y * size + x] = (byte) (x * 7 + y * 13 + id * 31 + ch * 80);
                }
            }
        }
        return px;
    }
}
