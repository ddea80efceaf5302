package io.sdclr.steps.train;

import io.sdclr.steps.internal.model.NativeMemory;
import io.sdclr.steps.internal.train.PretrainOutcome;
import io.sdclr.steps.internal.train.PretrainLoop;
import io.sdclr.steps.internal.train.PretrainConfig;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Gather;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.avro.TrainSet;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.internal.data.ImageBatch;
import io.sdclr.steps.internal.model.Devices;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.subset.SplitRecords;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Pretrains a SimCLR or SDCLR encoder on D_i of one long-tailed split (or, for the balanced control, on D_b): one training loop in one {@code DoFn} on
 * one device. The parameters are a side file of the {@link Encoder} artifact, covered by its digest; the encoder
 * record carries its method and split, so everything computed from it knows whose it is.
 *
 * <pre>{@code
 * Artifact<Encoder> enc = wf.step("pretrain-sdclr-s0",
 *     Pretrain.sdclr().on(data, subset, 0).width(0.25).epochs(5).batch(256));
 * }</pre>
 *
 * <p>The input geometry (channels, image size) is that of the images. Checkpoints go to the step's work
 * directory, which survives a killed run of the same cache key: running the same command again resumes from the
 * last checkpoint. The checkpoint interval does not change the result and is not part of the cache key.
 */
public final class Pretrain extends Step<Encoder> {
    private static final long serialVersionUID = 1L;
    static final String PARAMS_FILE = "encoder.params";

    public static final Param<String> ARCH = Param.string("pretrain.arch", "resnet18",
                    "encoder: resnet18 (CIFAR variant: 3x3 stem, no max-pool) or resnet50 (ImageNet variant)")
            .requiring(v -> v.equals("resnet18") || v.equals("resnet50"), "be resnet18 or resnet50");
    public static final Param<Double> WIDTH = Param.decimal("pretrain.width", 0.25,
            "ResNet width multiplier (1 = the paper's network)").requiring(v -> v > 0 && v <= 4, "be in (0, 4]");
    public static final Param<Integer> EPOCHS = Param.integer("pretrain.epochs", 5, "pretraining epochs")
            .atLeast(1);
    public static final Param<Integer> BATCH = Param.integer("pretrain.batch", 256, "pretraining batch size")
            .atLeast(2);
    public static final Param<Double> LR = Param.decimal("pretrain.lr", 0.5,
            "pretraining learning rate after warm-up, at any batch size (official: 0.5)")
            .requiring(v -> v > 0, "be > 0");
    public static final Param<Double> TEMPERATURE = Param.decimal("pretrain.temperature", 0.2,
            "NT-Xent temperature").requiring(v -> v > 0, "be > 0");
    public static final Param<Double> PRUNE = Param.decimal("pretrain.prune", 0.9,
            "SDCLR pruning ratio (paper: 0.9 CIFAR, 0.3 ImageNet)").requiring(v -> v >= 0 && v < 1, "be in [0, 1)");
    public static final Param<Integer> WARMUP_EPOCHS = Param.integer("pretrain.warmupEpochs", 1,
            "linear lr warm-up epochs (paper: 10 of 2,000); at most pretrain.epochs").atLeast(0);
    public static final Param<Double> WEIGHT_DECAY = Param.decimal("pretrain.weightDecay", 1e-4,
            "SGD weight decay").atLeast(0);
    public static final Param<List<Double>> MEAN = Param.decimals("pretrain.mean", List.of(0.2860),
            "per-channel input mean, normalised inside the model (one value per image channel)");
    public static final Param<List<Double>> STD = Param.decimals("pretrain.std", List.of(0.3530),
            "per-channel input std (one value per image channel)").requiring(v -> v.stream().allMatch(s -> s > 0),
            "be positive");
    public static final Param<Integer> CHECKPOINT_EVERY = Param.integer("pretrain.checkpointEvery", 1,
            "checkpoint every N epochs (0 = never); not part of the cache key").atLeast(0).executionOnly();

    private final Method method;
    private final TrainSet trainSet;
    private final Artifact<Image> images;
    private final Artifact<LongTailSplit> subset;
    private final int split;

    private Pretrain(Method method, TrainSet trainSet, Artifact<Image> images, Artifact<LongTailSplit> subset,
            int split) {
        super(Encoder.class, declared(method));
        this.method = method;
        this.trainSet = trainSet;
        this.images = images;
        this.subset = subset;
        this.split = split;
    }

    /**
     * The parameters of a pretraining of {@code method}: SimCLR does not prune, so it does not declare
     * {@code pretrain.prune} — its cache key, checkpoints and encoder do not depend on it, and a sweep over the
     * pruning ratio computes each SimCLR pretraining once.
     */
    private static Param<?>[] declared(Method method) {
        List<Param<?>> p = new ArrayList<>(List.of(ARCH, WIDTH, EPOCHS, BATCH, LR, TEMPERATURE, PRUNE, WARMUP_EPOCHS,
                WEIGHT_DECAY, MEAN, STD, Param.SEED, CHECKPOINT_EVERY));
        if (!prunes(method)) {
            p.remove(PRUNE);
        }
        return p.toArray(Param<?>[]::new);
    }

    private static boolean prunes(Method method) {
        return method == Method.SDCLR;
    }

    /** SDCLR with the protocol's defaults for CIFAR, scaled to Fashion-MNIST (width 0.25, 5 epochs). */
    public static Builder sdclr() {
        return new Builder(Method.SDCLR);
    }

    /** The SimCLR baseline. */
    public static Builder simclr() {
        return new Builder(Method.SIMCLR);
    }

    public static Builder method(Method method) {
        return new Builder(method);
    }

    /** First half of {@code Pretrain.sdclr().on(images, subset, split)}. */
    public static final class Builder {
        private final Method method;

        private Builder(Method method) {
            this.method = method;
        }

        /** Trains on D_i of split {@code split} of {@code subset}, taking pixels from {@code images}. */
        public Pretrain on(Artifact<Image> images, Artifact<LongTailSplit> subset, int split) {
            return of(TrainSet.LONG_TAIL, images, subset, split);
        }

        /**
         * Trains on D_b of split {@code split}: the balanced subset of the same size as D_i, the control that shows
         * what the long tail costs (the encoder, its features and results say {@code BALANCED}).
         */
        public Pretrain onBalanced(Artifact<Image> images, Artifact<LongTailSplit> subset, int split) {
            return of(TrainSet.BALANCED, images, subset, split);
        }

        private Pretrain of(TrainSet set, Artifact<Image> images, Artifact<LongTailSplit> subset, int split) {
            if (split < 0) {
                throw new IllegalArgumentException("split must be >= 0, was " + split);
            }
            return new Pretrain(method, set, images, subset, split);
        }
    }

    /** Backbone: {@code resnet18} (CIFAR variant, default) or {@code resnet50} (ImageNet variant). */
    public Pretrain arch(String a) {
        return withParam(ARCH, a);
    }

    public Pretrain width(double w) {
        return withParam(WIDTH, w);
    }

    public Pretrain epochs(int e) {
        return withParam(EPOCHS, e);
    }

    public Pretrain batch(int b) {
        return withParam(BATCH, b);
    }

    public Pretrain lr(double v) {
        return withParam(LR, v);
    }

    public Pretrain temperature(double t) {
        return withParam(TEMPERATURE, t);
    }

    /** SDCLR's pruning ratio; SimCLR does not prune (IllegalArgumentException). */
    public Pretrain prune(double p) {
        if (!prunes(method)) {
            throw new IllegalArgumentException("Pretrain " + EncoderSpec.methodName(method) + " does not prune: "
                    + PRUNE.key() + " is SDCLR's (set it on SDCLR pretrainings only)");
        }
        return withParam(PRUNE, p);
    }

    public Pretrain warmupEpochs(int e) {
        return withParam(WARMUP_EPOCHS, e);
    }

    public Pretrain weightDecay(double wd) {
        return withParam(WEIGHT_DECAY, wd);
    }

    /** The run's seed; split k trains with seed + k. */
    public Pretrain seed(long s) {
        return withParam(Param.SEED, s);
    }

    public Pretrain checkpointEvery(int epochs) {
        return withParam(CHECKPOINT_EVERY, epochs);
    }

    /** Per-channel normalisation applied inside the model (Fashion-MNIST's by default). */
    public Pretrain normalization(List<Double> mean, List<Double> std) {
        Pretrain p = withParam(MEAN, mean);
        return p.withParam(STD, std);
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("method", EncoderSpec.methodName(method), "split", Integer.toString(split), "trainSet",
                trainSet.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (get(WARMUP_EPOCHS) > get(EPOCHS)) {
            out.add(String.format("%s=%d is more than %s=%d: the whole run would stay in warm-up", WARMUP_EPOCHS,
                    get(WARMUP_EPOCHS), EPOCHS, get(EPOCHS)));
        }
        if (get(MEAN).size() != get(STD).size()) {
            out.add(String.format("%s=%s and %s=%s must have one value per image channel each", MEAN,
                    MEAN.text(get(MEAN)), STD, STD.text(get(STD))));
        }
        return out;
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(images, subset);
    }

    /**
     * One encoder: of this method, split and training set, trained for {@code pretrain.epochs} epochs with one loss
     * per epoch, naming its parameter file (a side file of the artifact) and the file's SHA-256.
     */
    @Override
    public OutputContract<Encoder> outputContract() {
        int epochs = get(EPOCHS);
        String rule = String.format("the %s encoder of split %d (%s), trained for %d epochs with one loss per epoch,"
                + " naming its parameter file and its SHA-256", EncoderSpec.methodName(method), split,
                subsetName(trainSet), epochs);
        return OutputContract.<Encoder>exactly(1).andEach(rule, e -> e.getMethod() == method && e.getSplit() == split
                        && e.getTrainSet() == trainSet && e.getEpochs() == epochs
                        && e.getLossPerEpoch().size() == epochs && !e.getParamsFile().isEmpty()
                        && e.getParamsSha256().length() == 64);
    }

    /** One training loop at a time: it uses every core, and its result must not depend on what else runs. */
    @Override
    public boolean exclusive() {
        return true;
    }

    @Override
    public PCollection<Encoder> expand(StepInput in) {
        LongTailSplit s = SplitRecords.find(in.records(subset), split);
        Set<Long> trainIds = new HashSet<>(trainSet == TrainSet.BALANCED ? s.getBalancedIds() : s.getLongTailIds());
        if (trainIds.isEmpty()) {
            throw new InvalidInputException("split %d has no %s to pretrain on%s", split, subsetName(trainSet),
                    trainSet == TrainSet.BALANCED ? " (the balanced control needs D_b: switch it off with --set "
                            + "control.balanced=false)" : "");
        }
        Config cfg = new Config(method, trainSet, split, get(ARCH), get(WIDTH), get(MEAN), get(STD), get(EPOCHS), get(BATCH),
                get(LR), get(TEMPERATURE), prunes(method) ? get(PRUNE) : 0.0, get(WARMUP_EPOCHS), get(WEIGHT_DECAY),
                get(Param.SEED) + split, get(CHECKPOINT_EVERY));
        return in.get(images)
                .apply("train images", Filter.by((Image im) -> im.getSource() == Source.TRAIN))
                .apply(subsetName(trainSet), Filter.by((Image im) -> trainIds.contains(im.getId())))
                .apply("gather", Gather.all())
                .apply("train", ParDo.of(new Train(cfg, trainIds.size(), in.context())));
    }

    private static String subsetName(TrainSet set) {
        return set == TrainSet.BALANCED ? "D_b" : "D_i";
    }

    /** Everything the training DoFn needs; {@code seed} is the split's own seed. */
    record Config(Method method, TrainSet trainSet, int split, String arch, double width, List<Double> mean, List<Double> std,
            int epochs, int batch, double lr, double temperature, double prune, int warmupEpochs,
            double weightDecay, long seed, int checkpointEvery) implements Serializable {
        PretrainConfig loop(int channels, int imageSize) {
            EncoderSpec spec =
                    new EncoderSpec(EncoderSpec.methodName(method), arch, width, channels, imageSize, mean, std);
            return new PretrainConfig(spec, epochs, batch, lr, temperature, prune, warmupEpochs, weightDecay, seed,
                    checkpointEvery);
        }
    }

    /** The training loop over all of D_i. */
    static final class Train extends DoFn<Iterable<Image>, Encoder> {
        private static final long serialVersionUID = 1L;
        private final Config cfg;
        private final int expected;
        private final StepContext ctx;

        Train(Config cfg, int expected, StepContext ctx) {
            this.cfg = cfg;
            this.expected = expected;
            this.ctx = ctx;
        }

        /**
         * Gives the training's freed native memory back to the system: a Flink TaskManager lives on after the job, and
         * the launcher's malloc settings keep freed memory for reuse, so without this each training left its peak
         * resident in the TaskManager (one was killed at 12.5 GB in fmnist-lt).
         */
        @Teardown
        public void teardown() {
            NativeMemory.release();
        }

        @ProcessElement
        public void process(@Element Iterable<Image> all, OutputReceiver<Encoder> out) {
            ImageBatch batch = ImageBatch.of(all, "pretraining");
            if (batch.count() != expected) {
                throw new IllegalStateException(String.format(
                        "split %d lists %d images in %s but %d were found in the data artifact", cfg.split(),
                        expected, subsetName(cfg.trainSet()), batch.count()));
            }
            PretrainConfig loop = cfg.loop(batch.channels(), batch.size());
            PretrainOutcome r = PretrainLoop.run(loop, batch.pixels(), batch.ids(), ctx.workDir(),
                    ctx.outputFile(PARAMS_FILE), Devices.resolve(ctx.device()), ctx::progress);
            Map<String, String> hp = new LinkedHashMap<>();
            hp.put("batch", Integer.toString(cfg.batch()));
            hp.put("lr", Double.toString(cfg.lr()));
            hp.put("temperature", Double.toString(cfg.temperature()));
            if (prunes(cfg.method())) {
                hp.put("prune", Double.toString(cfg.prune()));
            }
            hp.put("warmupEpochs", Integer.toString(cfg.warmupEpochs()));
            hp.put("weightDecay", Double.toString(cfg.weightDecay()));
            hp.put("seed", Long.toString(cfg.seed()));
            hp.put("trainImages", Integer.toString(batch.count()));
            List<Float> losses = new ArrayList<>();
            for (float l : r.lossPerEpoch()) {
                losses.add(l);
            }
            List<Double> kept = new ArrayList<>();
            for (double k : r.maskKeptPerEpoch()) {
                kept.add(k);
            }
            List<Float> thresholds = new ArrayList<>();
            for (float t : r.maskThresholdPerEpoch()) {
                thresholds.add(t);
            }
            EncoderSpec spec = loop.encoder();
            out.output(Encoder.newBuilder()
                    .setMethod(cfg.method())
                    .setSplit(cfg.split())
                    .setTrainSet(cfg.trainSet())
                    .setArch(spec.arch())
                    .setWidth(spec.width())
                    .setChannels(spec.channels())
                    .setImageSize(spec.imageSize())
                    .setMean(spec.mean())
                    .setStd(spec.std())
                    .setFeatureDim(spec.featureDim())
                    .setEpochs(r.epochs())
                    .setHyperParameters(hp)
                    .setLossPerEpoch(losses)
                    .setMaskKeptPerEpoch(kept)
                    .setMaskThresholdPerEpoch(thresholds)
                    .setParamsFile(PARAMS_FILE)
                    .setParamsSha256(r.paramsSha256())
                    .build());
        }
    }
}
