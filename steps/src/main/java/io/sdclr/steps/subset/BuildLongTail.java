package io.sdclr.steps.subset;

import io.sdclr.steps.internal.subset.SplitRecords;
import io.sdclr.steps.internal.subset.SplitPlan;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Builds the long-tailed splits of the SDCLR protocol from the training images: a fixed validation set, then per
 * split D_i (exponential profile), D_b (balanced, same size) and S_b (few-shot), nested.
 *
 * <pre>{@code
 * Artifact<LongTailSplit> subset = wf.step("subset",
 *     BuildLongTail.from(data).nMax(4500).imbalance(100).splits(3).valPerClass(500).seed(1));
 * }</pre>
 */
public final class BuildLongTail extends Step<LongTailSplit> {
    private static final long serialVersionUID = 1L;

    public static final Param<Integer> SPLITS = Param.integer("subset.splits", 3, "long-tailed splits (paper: 5)")
            .atLeast(1);
    public static final Param<Integer> N_MAX = Param.integer("subset.nMax", 4500, "images of the head class")
            .atLeast(1);
    public static final Param<Double> IMBALANCE = Param.decimal("subset.imbalance", 100,
            "head/tail size ratio r").atLeast(1);
    public static final Param<Integer> VAL_PER_CLASS = Param.integer("subset.valPerClass", 500,
            "held-out validation images per class").atLeast(1);
    public static final Param<Double> FEW_SHOT_FRACTION = Param.decimal("subset.fewShotFraction", 0.01,
            "size of the few-shot set S_b as a fraction of the pool").requiring(v -> v > 0 && v < 1, "be in (0, 1)");

    /**
     * What the planner needs besides the tunables.
     *
     * @param dataset dataset name, recorded in the splits
     * @param numClasses number of classes
     */
    record Params(String dataset, int numClasses, LongTailSpec spec) implements java.io.Serializable {}

    private final Artifact<Image> images;
    private String dataset = "fashion-mnist";
    private int numClasses = 10;

    private BuildLongTail(Artifact<Image> images) {
        super(LongTailSplit.class, SPLITS, N_MAX, IMBALANCE, VAL_PER_CLASS, FEW_SHOT_FRACTION, Param.SEED);
        this.images = images;
    }

    /** Defaults follow CIFAR-10-LT: n_max 4,500, r 100, 500 validation images per class, 1% few-shot, 3 splits. */
    public static BuildLongTail from(Artifact<Image> images) {
        return new BuildLongTail(images);
    }

    public BuildLongTail dataset(String name, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, was " + numClasses);
        }
        BuildLongTail c = copy();
        c.dataset = name;
        c.numClasses = numClasses;
        return c;
    }

    public BuildLongTail splits(int splits) {
        return withParam(SPLITS, splits);
    }

    /** The number of splits this step produces. */
    public int splitCount() {
        return get(SPLITS);
    }

    public BuildLongTail nMax(int nMax) {
        return withParam(N_MAX, nMax);
    }

    public BuildLongTail imbalance(double r) {
        return withParam(IMBALANCE, r);
    }

    public BuildLongTail valPerClass(int n) {
        return withParam(VAL_PER_CLASS, n);
    }

    /** Size of S_b as a fraction of the pool (1% in the paper, where it gives the tail class's count). */
    public BuildLongTail fewShotFraction(double f) {
        return withParam(FEW_SHOT_FRACTION, f);
    }

    /** Seeds the validation choice, the per-class permutations and the class order. */
    public BuildLongTail seed(long seed) {
        return withParam(Param.SEED, seed);
    }

    private LongTailSpec spec() {
        return new LongTailSpec(get(SPLITS), get(N_MAX), get(IMBALANCE), get(VAL_PER_CLASS), get(FEW_SHOT_FRACTION),
                get(Param.SEED));
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("dataset", dataset, "numClasses", Integer.toString(numClasses));
    }

    /**
     * Combinations the planner cannot build, checked where the workflow is built: fewer than two classes, or tail
     * classes left without images in D_i ({@code (int) (nMax / imbalance) < 1}), named split by split (the class
     * order depends on the seed alone) with the values of {@code subset.nMax} and {@code subset.imbalance} that
     * would do. Whether each class has enough images is a question about the data, checked when the step runs.
     */
    @Override
    public List<String> problems() {
        if (numClasses < 2) {
            return List.of("a long tail needs at least 2 classes, the dataset has " + numClasses);
        }
        LongTailSpec spec = spec();
        int empty = 0;
        while (empty < numClasses && spec.countAt(numClasses - 1 - empty, numClasses) < 1) {
            empty++;
        }
        if (empty == 0) {
            return List.of();
        }
        List<String> perSplit = new java.util.ArrayList<>();
        for (int k = 0; k < spec.splits(); k++) {
            int[] order = LongTailPlanner.classOrder(spec.seed(), k, numClasses);
            List<String> classes = new java.util.ArrayList<>();
            for (int i = numClasses - empty; i < numClasses; i++) {
                classes.add(Integer.toString(order[i]));
            }
            perSplit.add((classes.size() == 1 ? "class " : "classes ") + String.join(", ", classes) + " in split " + k);
        }
        StringBuilder fix = new StringBuilder("expected at least 1 image per class: ");
        long nMax = smallestNMax(spec);
        if (nMax <= Integer.MAX_VALUE) {
            fix.append("raise ").append(N_MAX).append(" to ").append(nMax).append(" or more, or ");
        }
        fix.append("lower ").append(IMBALANCE).append(" to ").append(IMBALANCE.text(largestImbalance(spec)))
                .append(" or less");
        return List.of(String.format("%s=%d with %s=%s gives the last %d of the %d tail positions 0 images, so D_i"
                + " would have no image of %s; %s", N_MAX, get(N_MAX), IMBALANCE, IMBALANCE.text(get(IMBALANCE)),
                empty, numClasses, String.join("; ", perSplit), fix));
    }

    /** The smallest nMax that leaves the tail class at least one image at this imbalance. */
    private long smallestNMax(LongTailSpec spec) {
        long n = Math.max(spec.nMax(), (long) Math.floor(spec.imbalance()));
        while (n <= Integer.MAX_VALUE && spec.withNMax((int) n).countAt(numClasses - 1, numClasses) < 1) {
            n++;
        }
        return n;
    }

    /** The largest whole imbalance that leaves the tail class at least one image with this nMax (1 always does). */
    private double largestImbalance(LongTailSpec spec) {
        double r = Math.max(1, Math.min(Math.floor(spec.imbalance()), spec.nMax()));
        while (r > 1 && spec.withImbalance(r).countAt(numClasses - 1, numClasses) < 1) {
            r--;
        }
        return r;
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(images);
    }

    /** One record per split, every class in D_i ({@link SplitRecords#contract}). */
    @Override
    public OutputContract<LongTailSplit> outputContract() {
        return SplitRecords.contract(get(SPLITS), numClasses);
    }

    @Override
    public PCollection<LongTailSplit> expand(StepInput in) {
        return SplitRecords.trainLabels(in.get(images)).apply("plan", ParDo.of(new Plan(new Params(dataset, numClasses, spec()))));
    }

    /** Runs the planner over all (id, label) pairs. */
    static final class Plan extends DoFn<Iterable<KV<Long, Integer>>, LongTailSplit> {
        private static final long serialVersionUID = 1L;
        private final Params params;

        Plan(Params params) {
            this.params = params;
        }

        @ProcessElement
        public void process(@Element Iterable<KV<Long, Integer>> all, OutputReceiver<LongTailSplit> out) {
            SplitRecords.Labelled train = SplitRecords.Labelled.of(all);
            for (SplitPlan p : LongTailPlanner.plan(train.ids(), train.labels(), params.numClasses(), params.spec())) {
                out.output(SplitRecords.record(p, params.dataset()));
            }
        }
    }
}
