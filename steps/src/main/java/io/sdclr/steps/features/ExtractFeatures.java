package io.sdclr.steps.features;

import io.sdclr.steps.internal.model.FrozenEncoder;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InputFiles;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.internal.data.ImageBatch;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.NativeMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Embeds every image with a frozen pretrained encoder (dense BN set, eval mode, head dropped): a parallel
 * {@code DoFn} that loads the model once per instance in {@code @Setup} and runs images through it in batches. It
 * scales with the runner's parallelism. Each feature carries its encoder's method and split.
 *
 * <pre>{@code
 * Artifact<Feature> feats = wf.step("features-sdclr-s0", ExtractFeatures.with(encoder).of(data));
 * }</pre>
 */
public final class ExtractFeatures extends Step<Feature> {
    private static final long serialVersionUID = 1L;

    public static final Param<Integer> BATCH = Param.integer("features.batch", 256,
            "images per forward pass of feature extraction; fixed id ranges, so features never depend on the runner")
            .atLeast(1);

    private final Artifact<Encoder> encoder;
    private final Artifact<Image> images;

    private ExtractFeatures(Artifact<Encoder> encoder, Artifact<Image> images) {
        super(Feature.class, BATCH);
        this.encoder = encoder;
        this.images = images;
    }

    /** Starts a feature extraction with this encoder; {@link Builder#of} names the images. */
    public static Builder with(Artifact<Encoder> encoder) {
        return new Builder(encoder);
    }

    /** Second half of the sentence {@code ExtractFeatures.with(encoder).of(images)}. */
    public static final class Builder {
        private final Artifact<Encoder> encoder;

        private Builder(Artifact<Encoder> encoder) {
            this.encoder = encoder;
        }

        public ExtractFeatures of(Artifact<Image> images) {
            return new ExtractFeatures(encoder, images);
        }
    }

    public ExtractFeatures batch(int batch) {
        return withParam(BATCH, batch);
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(encoder, images);
    }

    /** One feature per image, test images included (counted, not decoded: the output is large). */
    @Override
    public OutputContract<Feature> outputContract() {
        return OutputContract.sameCountAs(images);
    }

    /**
     * Runs alone in its wave: it keeps every core busy, and several extractions at once only add memory (each
     * holds its images and a model: ~3 GB for Fashion-MNIST's 70,000 images, measured).
     */
    @Override
    public boolean exclusive() {
        return true;
    }

    @Override
    public PCollection<Feature> expand(StepInput in) {
        long batch = get(BATCH);
        return in.get(images)
                .apply("batch key", WithKeys.of((Image im) -> Math.floorDiv(im.getId(), batch))
                        .withKeyType(TypeDescriptors.longs()))
                .setCoder(KvCoder.of(VarLongCoder.of(), AvroCoder.specific(Image.class)))
                .apply("batches", GroupByKey.create())
                .apply("embed", ParDo.of(new Embed(in.record(encoder), in.files(encoder), in.context().device())));
    }

    /** Runs fixed batches (by id range) through one frozen encoder per DoFn instance. */
    static final class Embed extends DoFn<KV<Long, Iterable<Image>>, Feature> {
        private static final long serialVersionUID = 1L;
        private final Encoder encoder;
        private final InputFiles files;
        private final String device;
        private transient FrozenEncoder model;

        Embed(Encoder encoder, InputFiles files, String device) {
            this.encoder = encoder;
            this.files = files;
            this.device = device;
        }

        @Setup
        public void setup() {
            model = FrozenEncoder.fromArtifact(encoder, files, device);
        }

        @ProcessElement
        public void process(@Element KV<Long, Iterable<Image>> group, OutputReceiver<Feature> out) {
            EncoderSpec spec = model.spec();
            // Same batches in the same order on every runner: numerics never depend on bundling.
            ImageBatch batch = ImageBatch.of(group.getValue(), spec.channels(), spec.imageSize(), "the encoder");
            float[][] feats = model.embed(batch.pixels());
            for (int i = 0; i < batch.count(); i++) {
                ByteBuffer values = ByteBuffer.allocate(4 * feats[i].length).order(ByteOrder.LITTLE_ENDIAN);
                values.asFloatBuffer().put(feats[i]);
                out.output(Feature.newBuilder().setId(batch.ids()[i])
                        .setSource(batch.sources()[i])
                        .setLabel(batch.labels()[i]).setValues(values)
                        .setMethod(encoder.getMethod()).setSplit(encoder.getSplit())
                        .setTrainSet(encoder.getTrainSet()).build());
            }
        }

        @Teardown
        public void teardown() {
            if (model != null) {
                model.close();
            }
            NativeMemory.release(); // In a long-lived TaskManager, between this job and the next.
        }
    }
}
