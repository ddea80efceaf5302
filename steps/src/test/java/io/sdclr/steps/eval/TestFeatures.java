package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.ProbeResult;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.data.ReadIdx;
import io.sdclr.steps.subset.TestSplits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;

/**
 * Features built in memory for hand-made splits of 30 training images of 3 classes (label id % 3) and 12 test
 * images: validation ids 0..5, pool 6..29 (24 images), S_b 6..11 (two per class). Split 0 and split 1 differ in D_i,
 * so in their class counts. Each feature is a class centre (3 on axis {@code label}) plus noise seeded by its id, in
 * {@link #DIM} dimensions: well separated, so every probe classifies them all correctly.
 */
final class TestFeatures {
    static final int CLASSES = 3;
    static final int DIM = 8;
    static final int TRAIN = 30;
    static final int TEST = 12;

    private TestFeatures() {}

    /** The subset artifact's records: split 0 (D_i = 6..23, 6 per class) and split 1 (D_i = 6..17, 18, 21, 24, 27). */
    static List<LongTailSplit> splits() {
        long[] val = TestSplits.range(0, 6);
        long[] pool = TestSplits.range(6, TRAIN);
        long[] fewShot = TestSplits.range(6, 12);
        long[] lt1 = {6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 24, 27};
        return List.of(
                TestSplits.split(0, CLASSES, TestSplits.range(6, 24), TestSplits.range(6, 24), fewShot, val, pool),
                TestSplits.split(1, CLASSES, lt1, TestSplits.range(6, 24), fewShot, val, pool));
    }

    /** Features of every training and test image, as the encoder of {@code method} on split {@code split} gives them. */
    static List<Feature> of(Method method, int split) {
        List<Feature> out = new ArrayList<>();
        for (int i = 0; i < TRAIN + TEST; i++) {
            boolean test = i >= TRAIN;
            int j = test ? i - TRAIN : i;
            long id = test ? ReadIdx.TEST_ID_OFFSET + j : j;
            out.add(feature(id, test ? Source.TEST : Source.TRAIN, j % CLASSES, method, split));
        }
        return out;
    }

    static Feature feature(long id, Source source, int label, Method method, int split) {
        Random r = new Random(id * 31 + label);
        ByteBuffer values = ByteBuffer.allocate(4 * DIM).order(ByteOrder.LITTLE_ENDIAN);
        for (int d = 0; d < DIM; d++) {
            values.putFloat((float) ((d == label ? 3 : 0) + 0.3 * r.nextGaussian()));
        }
        values.flip();
        return Feature.newBuilder().setId(id).setSource(source).setLabel(label).setValues(values).setMethod(method)
                .setSplit(split).build();
    }

    /** Class counts of D_i of split {@code k}. */
    static List<Integer> classCounts(int k) {
        return k == 0 ? List.of(6, 6, 6) : List.of(8, 4, 4);
    }

    /** Applies an evaluation step to in-memory features and splits, as the runtime would. */
    static PCollection<ProbeResult> apply(Pipeline p, Path dir, Step<ProbeResult> step, Artifact<Feature> features,
            List<Feature> featureRecords, Artifact<LongTailSplit> subset) {
        StepInput in = StepInput.forTest(p, StepContext.in("probe", dir)).with(features, featureRecords)
                .with(subset, splits()).build();
        return in.apply("probe", step);
    }

}
