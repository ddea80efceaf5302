package io.sdclr.steps.data;

import io.sdclr.steps.Causes;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadCifarTest {

    @TempDir Path dir;

    private static Image image(long id, Source source, int label, byte[] pixels) {
        return Image.newBuilder().setId(id).setSource(source).setLabel(label).setChannels(3).setHeight(32)
                .setWidth(32).setPixels(ByteBuffer.wrap(pixels)).build();
    }

    /** The records the CIFAR-10 test files should give: training ids run over data_batch_1..5 in order. */
    private static List<Image> expectedCifar10(int trainLimit, int testLimit) {
        List<Image> out = new ArrayList<>();
        long id = 0;
        for (int k = 0; k < 5; k++) {
            for (int r = 0; r < CifarFiles.CIFAR10_COUNTS[k]; r++, id++) {
                if (trainLimit == 0 || id < trainLimit) {
                    out.add(image(id, Source.TRAIN, CifarFiles.label(k, r, 10), CifarFiles.pixels(k, r)));
                }
            }
        }
        for (int r = 0; r < CifarFiles.CIFAR10_COUNTS[5] && (testLimit == 0 || r < testLimit); r++) {
            out.add(image(ReadIdx.TEST_ID_OFFSET + r, Source.TEST, CifarFiles.label(5, r, 10),
                    CifarFiles.pixels(5, r)));
        }
        return out;
    }

    @Test
    void cifar10ThroughABeamPipeline() throws IOException {
        CifarFiles.cifar10Set(dir.resolve("cifar-10-batches-bin"));
        ReadCifar step = ReadCifar.cifar10(dir.toString());
        step.checkExternalInputs();
        assertThat(step.externalInputs()).containsExactly(
                dir.resolve("cifar-10-batches-bin/data_batch_1.bin"), dir.resolve("cifar-10-batches-bin/data_batch_2.bin"),
                dir.resolve("cifar-10-batches-bin/data_batch_3.bin"), dir.resolve("cifar-10-batches-bin/data_batch_4.bin"),
                dir.resolve("cifar-10-batches-bin/data_batch_5.bin"), dir.resolve("cifar-10-batches-bin/test_batch.bin"))
                .inOrder();
        assertThat(step.numClasses()).isEqualTo(10);

        Pipeline p = Pipeline.create();
        PCollection<Image> out = StepPipelines.apply(p, step, dir);
        PAssert.that(out).containsInAnyOrder(expectedCifar10(0, 0));
        p.run().waitUntilFinish();
    }

    @Test
    void limitsCutAcrossBatchBoundaries() throws IOException {
        CifarFiles.cifar10Set(dir);
        Pipeline p = Pipeline.create();
        // 3 + 2 records in the first two batches, so the limit 7 ends inside data_batch_3.
        PCollection<Image> out = StepPipelines.apply(p, ReadCifar.cifar10(dir.toString()).limits(7, 2), dir);
        List<Image> expected = expectedCifar10(7, 2);
        assertThat(expected).hasSize(9);
        PAssert.that(out).containsInAnyOrder(expected);
        p.run().waitUntilFinish();
    }

    @Test
    void cifar100FineAndCoarseThroughABeamPipeline() throws IOException {
        CifarFiles.cifar100Set(dir.resolve("cifar-100-binary"), 4, 2);
        for (boolean coarse : new boolean[] {false, true}) {
            ReadCifar step = ReadCifar.cifar100(dir.toString());
            if (coarse) {
                step = step.coarseLabels();
            }
            assertThat(step.numClasses()).isEqualTo(coarse ? 20 : 100);
            List<Image> expected = new ArrayList<>();
            for (int file = 0; file < 2; file++) {
                for (int r = 0; r < (file == 0 ? 4 : 2); r++) {
                    int fine = CifarFiles.label(file, r, 100);
                    expected.add(image((file == 0 ? 0 : ReadIdx.TEST_ID_OFFSET) + r,
                            file == 0 ? Source.TRAIN : Source.TEST, coarse ? CifarFiles.coarse(fine) : fine,
                            CifarFiles.pixels(file, r)));
                }
            }
            Pipeline p = Pipeline.create();
            PAssert.that(StepPipelines.apply(p, step, dir)).containsInAnyOrder(expected);
            p.run().waitUntilFinish();
        }
    }

    @Test
    void coarseLabelsExistOnlyInCifar100() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ReadCifar.cifar10("/data").coarseLabels());
        assertThat(e).hasMessageThat().contains("only in CIFAR-100");
        assertThrows(IllegalArgumentException.class, () -> ReadCifar.cifar10("/data").limits(-1, 0));
    }

    @Test
    void checkExternalInputsFailsFastOnMissingOrTruncatedFiles() throws IOException {
        CifarFiles.cifar10Set(dir);
        Files.delete(dir.resolve("data_batch_5.bin"));
        ReadCifar step = ReadCifar.cifar10(dir.toString());
        InvalidInputException e = assertThrows(InvalidInputException.class, step::checkExternalInputs);
        assertThat(e).hasMessageThat().contains("missing data_batch_5.bin;");
        // The cache key can still be computed: the expected path is recorded as missing.
        assertThat(step.externalInputs()).contains(dir.resolve("data_batch_5.bin"));

        CifarFiles.cifar10(dir.resolve("data_batch_5.bin"), 4, 2);
        Files.write(dir.resolve("test_batch.bin"), new byte[3073 + 5]);
        e = assertThrows(InvalidInputException.class, step::checkExternalInputs);
        assertThat(e).hasMessageThat().startsWith(dir.resolve("test_batch.bin") + ": truncated:");
        assertThat(e).hasMessageThat().contains("record 1 is incomplete");
    }

    @Test
    void badLabelInsideThePipelineFailsTheRunWithTheMessage() throws IOException {
        CifarFiles.cifar10Set(dir);
        byte[] bytes = Files.readAllBytes(dir.resolve("data_batch_4.bin"));
        bytes[0] = (byte) 200;
        Files.write(dir.resolve("data_batch_4.bin"), bytes);
        Pipeline p = Pipeline.create();
        StepPipelines.apply(p, ReadCifar.cifar10(dir.toString()), dir);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        InvalidInputException bad = Causes.causeOf(e, InvalidInputException.class);
        assertThat(bad).isNotNull();
        assertThat(bad).hasMessageThat()
                .startsWith(dir.resolve("data_batch_4.bin") + ": record 0 has label 200, expected 0..9");
    }
}
