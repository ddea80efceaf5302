package io.sdclr.steps.features;

import static io.sdclr.steps.Causes.causeOf;
import io.sdclr.steps.internal.model.FrozenEncoder;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.data.TestImages;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.RandomEncoders;
import io.sdclr.steps.internal.model.Specs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ExtractFeatures} as a Beam transform fed in-memory records: a randomly initialised width-0.25 SimCLR
 * ResNet-18 (the encoder of split 2) written as the pretrain step writes it, 13 training and 5 test 1x8x8 images,
 * batches of 4 ids.
 */
class ExtractFeaturesPipelineTest {
    private static final EncoderSpec SPEC = Specs.tiny("simclr");
    private static final int BATCH = 4;

    @TempDir static Path encoderDir;
    private static Encoder encoderRecord;
    private static List<Image> records;
    private static List<Feature> expected;

    private final TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    @TempDir Path tmp;

    private final Workflow wf = Workflow.named("t");
    private final Artifact<Encoder> encoder = wf.ref("pretrain-simclr-s2", Encoder.class);
    private final Artifact<Image> images = wf.ref("data", Image.class);

    /**
     * The encoder, the images and the features expected: each fixed id range of {@link #BATCH} ids embedded at once,
     * its images sorted by id, by the frozen encoder outside Beam.
     */
    @BeforeAll
    static void encoderImagesAndExpectedFeatures() {
        encoderRecord = RandomEncoders.write(SPEC, 9, 2, encoderDir.resolve("encoder.params"));
        records = TestImages.random(13, 5, 3, 1, 8, 17);
        Map<Long, List<Image>> batches = new TreeMap<>();
        for (Image im : records) {
            batches.computeIfAbsent(Math.floorDiv(im.getId(), BATCH), k -> new ArrayList<>()).add(im);
        }
        expected = new ArrayList<>();
        try (FrozenEncoder enc = FrozenEncoder.load(encoderDir.resolve("encoder.params"), SPEC, Device.cpu(),
                encoderRecord.getParamsSha256())) {
            for (List<Image> batch : batches.values()) {
                batch.sort(Comparator.comparingLong(Image::getId));
                List<byte[]> pixels = new ArrayList<>();
                for (Image im : batch) {
                    byte[] px = new byte[im.getPixels().remaining()];
                    im.getPixels().duplicate().get(px);
                    pixels.add(px);
                }
                float[][] f = enc.embed(pixels);
                for (int i = 0; i < batch.size(); i++) {
                    ByteBuffer values = ByteBuffer.allocate(4 * f[i].length).order(ByteOrder.LITTLE_ENDIAN);
                    values.asFloatBuffer().put(f[i]);
                    Image im = batch.get(i);
                    expected.add(Feature.newBuilder().setId(im.getId()).setSource(im.getSource())
                            .setLabel(im.getLabel()).setValues(values).setMethod(Method.SIMCLR).setSplit(2).build());
                }
            }
        }
    }

    private PCollection<Feature> apply(Encoder record, List<Image> imageRecords) {
        StepInput in = StepInput.forTest(p, StepContext.in("features", tmp))
                .with(encoder, List.of(record), encoderDir)
                .with(images, imageRecords)
                .build();
        return in.apply("features", ExtractFeatures.with(encoder).of(images).batch(BATCH));
    }

    @Test
    void oneFeaturePerImageCarryingTheEncodersMethodAndSplit() {
        assertThat(expected).hasSize(18);
        assertThat(expected.get(0).getValues().remaining()).isEqualTo(4 * SPEC.featureDim());
        PCollection<Feature> out = apply(encoderRecord, records);
        PAssert.that(out).containsInAnyOrder(expected);
        PAssert.that(out).satisfies(all -> {
            int train = 0;
            for (Feature f : all) {
                assertThat(f.getMethod()).isEqualTo(Method.SIMCLR);
                assertThat(f.getSplit()).isEqualTo(2);
                train += f.getSource() == Source.TRAIN ? 1 : 0;
            }
            assertThat(train).isEqualTo(13);
            return null;
        });
        p.run().waitUntilFinish();
    }

    @Test
    void featureValuesDoNotDependOnTheOrderOfTheImages() {
        // Reversed, then shuffled: the batches are fixed id ranges sorted by id, so the values are bit-identical.
        List<Image> reversed = new ArrayList<>(records);
        java.util.Collections.reverse(reversed);
        PAssert.that(apply(encoderRecord, reversed)).containsInAnyOrder(expected);
        p.run().waitUntilFinish();

        TestPipeline q = TestPipeline.create().enableAbandonedNodeEnforcement(false);
        StepInput in = StepInput.forTest(q, StepContext.in("features", tmp.resolve("q")))
                .with(encoder, List.of(encoderRecord), encoderDir)
                .with(images, TestImages.shuffled(records, 4))
                .build();
        PCollection<Feature> out = in.apply("features", ExtractFeatures.with(encoder).of(images).batch(BATCH));
        PAssert.that(out).containsInAnyOrder(expected);
        q.run().waitUntilFinish();
    }

    @Test
    void paramsThatDoNotMatchTheRecordsDigestAreRefused() {
        Encoder tampered = Encoder.newBuilder(encoderRecord).setParamsSha256("00".repeat(32)).build();
        apply(tampered, records);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        InvalidInputException bad = causeOf(e, InvalidInputException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat().contains("expected " + "00".repeat(32) + " (the encoder record's paramsSha256)");
    }

    @Test
    void anImageOfAnotherGeometryIsRefused() {
        List<Image> bad = new ArrayList<>(records);
        bad.set(3, TestImages.image(3, Source.TRAIN, 0, 1, 10, new byte[100]));
        apply(encoderRecord, bad);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        InvalidInputException cause = causeOf(e, InvalidInputException.class);
        assertThat(cause).isNotNull();
        assertThat(cause).hasMessageThat()
                .isEqualTo("image 3 is 1x10x10 but the encoder expects 1x8x8 (channels x height x width)");
    }

}
