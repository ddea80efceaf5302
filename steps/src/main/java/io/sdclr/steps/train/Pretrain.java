package io.sdclr.steps.train;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.pipeline.beam.Gather;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.model.Devices;
import io.sdclr.steps.model.EncoderSpec;
import io.sdclr.steps.subset.SplitRecords;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
 * Pretrains a SimCLR or SDCLR encoder on D_i of one long-tailed split: one training loop in one {@code DoFn} on
 * one device. The parameters are a side file of the {@link Encoder} artifact, covered by its digest.
 *
 * <pre>{@code
 * Artifact<Encoder> enc = wf.step("pretrain-sdclr-s0",
 *     Pretrain.sdclr().on(data, subset, 0).width(0.25).epochs(5).batch(256));
 * }</pre>
 *
 * <p>Checkpoints go to the step's work directory, which survives a killed run of the same cache key: running
 * the same command again resumes from the last checkpoint. The checkpoint interval does not change the result
 * and is not part of the cache key.
 */
public final class Pretrain extends Step<Pretrain.Params, Encoder> {
    private static final long serialVersionUID = 1L;
    static final String PARAMS_FILE = "encoder.params";

    /** Parameters ({@code pretrain.*}). {@code lr} is the base rate at batch 512 (scaled by batch/512). */
    public record Params(String method, int split, String arch, double width, int channels, int imageSize,
            List<Double> mean, List<Double> std, int epochs, int batch, double lr, double temperature, double prune,
            int warmupEpochs, double weightDecay, long seed) implements java.io.Serializable {
        public Params {
            if (!method.equals("simclr") && !method.equals("sdclr")) {
                throw new InvalidInputException("pretrain.method=%s: expected simclr or sdclr", method);
            }
            if (!arch.equals("resnet18") && !arch.equals("resnet50")) {
                throw new InvalidInputException("pretrain.arch=%s: expected resnet18 or resnet50", arch);
            }
            mean = List.copyOf(mean);
            std = List.copyOf(std);
        }

        EncoderSpec encoder() {
            return new EncoderSpec(method, arch, width, channels, imageSize, mean, std);
        }

        PretrainConfig config(int checkpointEvery) {
            return new PretrainConfig(encoder(), epochs, batch, lr, temperature, prune, warmupEpochs, weightDecay,
                    seed, checkpointEvery);
        }
    }

    private final Artifact<Image> images;
    private final Artifact<LongTailSplit> subset;
    private final Params params;
    private final int checkpointEvery;

    private Pretrain(Artifact<Image> images, Artifact<LongTailSplit> subset, Params params, int checkpointEvery) {
        super("pretrain", Encoder.class);
        this.images = images;
        this.subset = subset;
        this.params = params;
        this.checkpointEvery = checkpointEvery;
    }

    /** SDCLR with the protocol's defaults for CIFAR, scaled to Fashion-MNIST (28×28×1, width 0.25). */
    public static Builder sdclr() {
        return new Builder("sdclr");
    }

    /** The SimCLR baseline. */
    public static Builder simclr() {
        return new Builder("simclr");
    }

    public static Builder method(String method) {
        return new Builder(method);
    }

    /** Collects inputs and parameters; {@link #on} makes the step. */
    public static final class Builder {
        private final String method;
        private String arch = "resnet18";
        private double width = 0.25;
        private int epochs = 5;
        private int batch = 256;
        private double lr = 0.5;
        private double temperature = 0.2;
        private double prune = 0.9;
        private int warmupEpochs = 10;
        private double weightDecay = 1e-4;
        private long seed = 1;
        private int checkpointEvery = 1;
        private int channels = 1;
        private int imageSize = 28;
        private List<Double> mean = List.of(0.2860);
        private List<Double> std = List.of(0.3530);

        private Builder(String method) {
            this.method = method;
        }

        /** Backbone: {@code resnet18} (CIFAR variant, default) or {@code resnet50} (ImageNet variant). */
        public Builder arch(String a) {
            this.arch = a;
            return this;
        }

        public Builder width(double w) {
            this.width = w;
            return this;
        }

        public Builder epochs(int e) {
            this.epochs = e;
            return this;
        }

        public Builder batch(int b) {
            this.batch = b;
            return this;
        }

        public Builder lr(double v) {
            this.lr = v;
            return this;
        }

        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        public Builder prune(double p) {
            this.prune = p;
            return this;
        }

        public Builder warmupEpochs(int e) {
            this.warmupEpochs = e;
            return this;
        }

        public Builder weightDecay(double wd) {
            this.weightDecay = wd;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder checkpointEvery(int epochs) {
            this.checkpointEvery = epochs;
            return this;
        }

        /** Input geometry and per-channel normalisation (Fashion-MNIST by default). */
        public Builder input(int channels, int imageSize, List<Double> mean, List<Double> std) {
            this.channels = channels;
            this.imageSize = imageSize;
            this.mean = mean;
            this.std = std;
            return this;
        }

        /** Trains on D_i of split {@code split} of {@code subset}, taking pixels from {@code images}. */
        public Pretrain on(Artifact<Image> images, Artifact<LongTailSplit> subset, int split) {
            return new Pretrain(images, subset, new Params(method, split, arch, width, channels, imageSize,
                    mean, std, epochs, batch, lr, temperature, prune, warmupEpochs, weightDecay, seed),
                    checkpointEvery);
        }
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(images, subset);
    }

    @Override
    public Set<Class<?>> codeClasses() {
        return Set.of(Pretrain.class, EncoderSpec.class);
    }

    /** One training loop at a time: it uses every core, and its result must not depend on what else runs. */
    @Override
    public boolean exclusive() {
        return true;
    }

    @Override
    public PCollection<Encoder> expand(StepInput in) {
        // The split is one small record of a committed artifact: read in @Setup rather than as a side input.
        String subsetDir = in.context().inputDir(subset);
        return in.get(images)
                .apply("train images", Filter.by((Image im) -> im.getSource() == Source.TRAIN))
                .apply("D_i", ParDo.of(new KeepLongTail(subsetDir, params.split())))
                .apply("gather", Gather.all())
                .apply("train", ParDo.of(new Train(params, checkpointEvery, in.context(), subsetDir)));
    }

    /** Keeps the images of D_i. */
    static final class KeepLongTail extends DoFn<Image, Image> {
        private static final long serialVersionUID = 1L;
        private final String subsetDir;
        private final int split;
        private transient Set<Long> ids;

        KeepLongTail(String subsetDir, int split) {
            this.subsetDir = subsetDir;
            this.split = split;
        }

        @Setup
        public void setup() {
            ids = new HashSet<>(SplitRecords.split(subsetDir, split).getLongTailIds());
        }

        @ProcessElement
        public void process(@Element Image im, OutputReceiver<Image> out) {
            if (ids.contains(im.getId())) {
                out.output(im);
            }
        }
    }

    /** The training loop over all of D_i. */
    static final class Train extends DoFn<Iterable<Image>, Encoder> {
        private static final long serialVersionUID = 1L;
        private final Params params;
        private final int checkpointEvery;
        private final StepContext ctx;
        private final String subsetDir;

        Train(Params params, int checkpointEvery, StepContext ctx, String subsetDir) {
            this.params = params;
            this.checkpointEvery = checkpointEvery;
            this.ctx = ctx;
            this.subsetDir = subsetDir;
        }

        @ProcessElement
        public void process(@Element Iterable<Image> all, OutputReceiver<Encoder> out) {
            List<Image> list = new ArrayList<>();
            all.forEach(list::add);
            list.sort(Comparator.comparingLong(Image::getId));
            int expected = SplitRecords.split(subsetDir, params.split()).getLongTailIds().size();
            if (list.size() != expected) {
                throw new IllegalStateException(String.format(
                        "split %d lists %d images in D_i but %d were found in the data artifact",
                        params.split(), expected, list.size()));
            }
            List<byte[]> pixels = new ArrayList<>(list.size());
            long[] ids = new long[list.size()];
            int bytes = params.channels() * params.imageSize() * params.imageSize();
            for (int i = 0; i < ids.length; i++) {
                Image im = list.get(i);
                if (im.getChannels() != params.channels() || im.getHeight() != params.imageSize()
                        || im.getWidth() != params.imageSize()) {
                    throw new InvalidInputException(
                            "image %d is %dx%dx%d but pretraining expects %dx%dx%d (pretrain.imageSize/channels)",
                            im.getId(), im.getChannels(), im.getHeight(), im.getWidth(), params.channels(),
                            params.imageSize(), params.imageSize());
                }
                ByteBuffer b = im.getPixels().duplicate();
                byte[] px = new byte[bytes];
                b.get(px);
                pixels.add(px);
                ids[i] = im.getId();
            }
            Path paramsOut = Path.of(ctx.outputDir(), PARAMS_FILE);
            String tag = "[" + ctx.stepName() + "] ";
            PretrainOutcome r = PretrainLoop.run(params.config(checkpointEvery), pixels, ids, Path.of(ctx.workDir()),
                    paramsOut, Devices.resolve(ctx.device()), line -> System.err.println(tag + line));
            Map<String, String> hp = new LinkedHashMap<>();
            hp.put("batch", Integer.toString(params.batch()));
            hp.put("lr", Double.toString(params.lr()));
            hp.put("temperature", Double.toString(params.temperature()));
            hp.put("prune", Double.toString(params.prune()));
            hp.put("warmupEpochs", Integer.toString(params.warmupEpochs()));
            hp.put("weightDecay", Double.toString(params.weightDecay()));
            hp.put("seed", Long.toString(params.seed()));
            hp.put("trainImages", Integer.toString(ids.length));
            List<Float> losses = new ArrayList<>();
            for (float l : r.lossPerEpoch()) {
                losses.add(l);
            }
            EncoderSpec spec = params.encoder();
            out.output(Encoder.newBuilder()
                    .setMethod(params.method())
                    .setSplit(params.split())
                    .setArch(params.arch())
                    .setWidth(params.width())
                    .setChannels(params.channels())
                    .setImageSize(params.imageSize())
                    .setMean(params.mean())
                    .setStd(params.std())
                    .setFeatureDim(spec.featureDim())
                    .setEpochs(r.epochs())
                    .setHyperParameters(hp)
                    .setLossPerEpoch(losses)
                    .setParamsFile(PARAMS_FILE)
                    .setParamsSha256(r.paramsSha256())
                    .build());
        }
    }
}
