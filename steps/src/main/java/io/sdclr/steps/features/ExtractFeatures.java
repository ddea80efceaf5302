package io.sdclr.steps.features;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.model.EncoderSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Embeds every image with a frozen pretrained encoder (dense BN set, eval mode, head dropped): a parallel
 * {@code DoFn} that loads the model once per instance in {@code @Setup} from the committed encoder artifact and
 * runs images through it in batches. It scales with the runner's parallelism.
 *
 * <pre>{@code
 * Artifact<Feature> feats = wf.step("features-sdclr-s0", ExtractFeatures.with(encoder).of(data));
 * }</pre>
 */
public final class ExtractFeatures extends Step<ExtractFeatures.Params, Feature> {
    private static final long serialVersionUID = 1L;

    /** @param batch images per forward pass; batches are fixed id ranges so features never depend on the runner */
    public record Params(int batch) implements java.io.Serializable {}

    private final Artifact<Encoder> encoder;
    private final Artifact<Image> images;
    private final Params params;

    private ExtractFeatures(Artifact<Encoder> encoder, Artifact<Image> images, Params params) {
        super("features", Feature.class);
        this.encoder = encoder;
        this.images = images;
        this.params = params;
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
            return new ExtractFeatures(encoder, images, new Params(256));
        }
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(encoder, images);
    }

    @Override
    public Set<Class<?>> codeClasses() {
        return Set.of(ExtractFeatures.class, EncoderSpec.class);
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
        String encoderDir = in.context().inputDir(encoder);
        long batch = params.batch();
        return in.get(images)
                .apply("batch key", WithKeys.of((Image im) -> Math.floorDiv(im.getId(), batch))
                        .withKeyType(TypeDescriptors.longs()))
                .setCoder(KvCoder.of(VarLongCoder.of(), AvroCoder.specific(Image.class)))
                .apply("batches", GroupByKey.create())
                .apply("embed", ParDo.of(new Embed(encoderDir, in.context().device())));
    }

    /** Runs fixed batches (by id range) through one frozen encoder per DoFn instance. */
    static final class Embed extends DoFn<KV<Long, Iterable<Image>>, Feature> {
        private static final long serialVersionUID = 1L;
        private final String encoderDir;
        private final String device;
        private transient FrozenEncoder model;

        Embed(String encoderDir, String device) {
            this.encoderDir = encoderDir;
            this.device = device;
        }

        @Setup
        public void setup() {
            model = FrozenEncoder.fromArtifact(encoderDir, device);
        }

        @ProcessElement
        public void process(@Element KV<Long, Iterable<Image>> group, OutputReceiver<Feature> out) {
            List<Image> batch = new ArrayList<>();
            group.getValue().forEach(batch::add);
            // Same batches in the same order on every runner: numerics never depend on bundling.
            batch.sort(Comparator.comparingLong(Image::getId));
            List<byte[]> pixels = new ArrayList<>(batch.size());
            for (Image im : batch) {
                ByteBuffer b = im.getPixels().duplicate();
                byte[] px = new byte[b.remaining()];
                b.get(px);
                pixels.add(px);
            }
            float[][] feats = model.embed(pixels);
            for (int i = 0; i < batch.size(); i++) {
                Image im = batch.get(i);
                ByteBuffer values = ByteBuffer.allocate(4 * feats[i].length).order(ByteOrder.LITTLE_ENDIAN);
                values.asFloatBuffer().put(feats[i]);
                out.output(Feature.newBuilder().setId(im.getId()).setSource(im.getSource()).setLabel(im.getLabel())
                        .setValues(values).build());
            }
        }

        @Teardown
        public void teardown() {
            if (model != null) {
                model.close();
            }
        }
    }
}
