package io.sdclr.steps.subset;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import java.util.List;
import java.util.Set;
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
public final class BuildLongTail extends Step<BuildLongTail.Params, LongTailSplit> {
    private static final long serialVersionUID = 1L;

    /**
     * Parameters ({@code subset.*}); {@code --set subset.nMax=...} reaches them.
     *
     * @param dataset dataset name, recorded in the splits
     * @param numClasses number of classes
     * @param splits number of splits (paper: 5)
     * @param nMax images of the head class in D_i
     * @param imbalance ratio between head and tail class sizes (r)
     * @param valPerClass held-out validation images per class
     * @param fewShotFraction size of S_b as a fraction of the pool
     * @param seed seeds the validation choice, the per-class permutations and the class order
     */
    public record Params(String dataset, int numClasses, int splits, int nMax, double imbalance, int valPerClass,
            double fewShotFraction, long seed) implements java.io.Serializable {
        public LongTailSpec spec() {
            return new LongTailSpec(splits, nMax, imbalance, valPerClass, fewShotFraction, seed);
        }
    }

    private final Artifact<Image> images;
    private final Params params;

    private BuildLongTail(Artifact<Image> images, Params params) {
        super("subset", LongTailSplit.class);
        this.images = images;
        this.params = params;
        params.spec(); // Validates the combination now, where the workflow is built.
    }

    /** Defaults follow CIFAR-10-LT: n_max 4,500, r 100, 500 validation images per class, 1% few-shot, 3 splits. */
    public static BuildLongTail from(Artifact<Image> images) {
        return new BuildLongTail(images, new Params("fashion-mnist", 10, 3, 4500, 100, 500, 0.01, 1));
    }

    public BuildLongTail dataset(String name, int numClasses) {
        Params p = params;
        return new BuildLongTail(images, new Params(name, numClasses, p.splits(), p.nMax(), p.imbalance(),
                p.valPerClass(), p.fewShotFraction(), p.seed()));
    }

    public BuildLongTail splits(int splits) {
        Params p = params;
        return new BuildLongTail(images, new Params(p.dataset(), p.numClasses(), splits, p.nMax(), p.imbalance(),
                p.valPerClass(), p.fewShotFraction(), p.seed()));
    }

    public BuildLongTail nMax(int nMax) {
        Params p = params;
        return new BuildLongTail(images, new Params(p.dataset(), p.numClasses(), p.splits(), nMax, p.imbalance(),
                p.valPerClass(), p.fewShotFraction(), p.seed()));
    }

    public BuildLongTail imbalance(double r) {
        Params p = params;
        return new BuildLongTail(images, new Params(p.dataset(), p.numClasses(), p.splits(), p.nMax(), r,
                p.valPerClass(), p.fewShotFraction(), p.seed()));
    }

    public BuildLongTail valPerClass(int n) {
        Params p = params;
        return new BuildLongTail(images, new Params(p.dataset(), p.numClasses(), p.splits(), p.nMax(), p.imbalance(),
                n, p.fewShotFraction(), p.seed()));
    }

    /** Size of S_b as a fraction of the pool (1% in the paper, where it gives the tail class's count). */
    public BuildLongTail fewShotFraction(double f) {
        Params p = params;
        return new BuildLongTail(images, new Params(p.dataset(), p.numClasses(), p.splits(), p.nMax(), p.imbalance(),
                p.valPerClass(), f, p.seed()));
    }

    public BuildLongTail seed(long seed) {
        Params p = params;
        return new BuildLongTail(images, new Params(p.dataset(), p.numClasses(), p.splits(), p.nMax(), p.imbalance(),
                p.valPerClass(), p.fewShotFraction(), seed));
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(images);
    }

    @Override
    public Set<Class<?>> codeClasses() {
        return Set.of(BuildLongTail.class);
    }

    @Override
    public PCollection<LongTailSplit> expand(StepInput in) {
        return SplitRecords.trainLabels(in.get(images)).apply("plan", ParDo.of(new Plan(params)));
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
