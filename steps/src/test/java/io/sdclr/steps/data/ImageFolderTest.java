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
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @TempDir Path tmp;
    private Path root;

    @BeforeEach
    void createRoot() throws IOException {
        root = Files.createDirectories(tmp.resolve("images"));
    }

    private static Image image(long id, Source source, int label, int channels, int size, byte[] pixels) {
        return Image.newBuilder().setId(id).setSource(source).setLabel(label).setChannels(channels).setHeight(size)
                .setWidth(size).setPixels(ByteBuffer.wrap(pixels)).build();
    }

    /**
     * An ImageNet-LT-like tree: train/ with PNGs and a JPEG of various sizes, test/ with two PNGs; two training
     * lists (the second repeats an image) and a test list kept outside the root.
     */
    private Path tree() throws IOException {
        ImageFiles.png(ImageFiles.noise(8, 8, 10), 8, 8, root.resolve("train/n01/a.png"));
        ImageFiles.png(ImageFiles.noise(8, 12, 11), 8, 12, root.resolve("train/n01/b.png"));
        ImageFiles.jpeg(ImageFiles.noise(30, 20, 12), 30, 20, root.resolve("train/n02/c.JPEG"));
        ImageFiles.png(ImageFiles.noise(17, 23, 13), 17, 23, root.resolve("train/n02/d.png"));
        ImageFiles.png(ImageFiles.noise(8, 8, 14), 8, 8, root.resolve("test/t0.png"));
        ImageFiles.png(ImageFiles.noise(9, 8, 15), 9, 8, root.resolve("test/t1.png"));
        Files.writeString(root.resolve("train_lt.txt"), "train/n01/a.png 0\ntrain/n02/c.JPEG 1\n");
        Files.writeString(root.resolve("train_extra.txt"), "train/n02/c.JPEG 1\n\ntrain/n01/b.png 0\ntrain/n02/d.png 1\n");
        Path lists = Files.createDirectories(tmp.resolve("lists"));
        return Files.writeString(lists.resolve("test.txt"), "test/t0.png 1\ntest/t1.png 0\n");
    }

    private ReadImageFolder step(Path testList) {
        return ReadImageFolder.from(root.toString())
                .train("train_lt.txt", "train_extra.txt")
                .test(List.of(testList))
                .numClasses(2)
                .size(8);
    }

    /** What each image should become, computed by the decoder outside any pipeline. */
    private byte[] decoded(String path, int channels) {
        return ImageDecoder.resizeAndCrop(ImageDecoder.decode(root.resolve(path), channels), 8).pixels();
    }

    @Test
    void readsListedImagesThroughABeamPipeline() throws IOException {
        Path testList = tree();
        ReadImageFolder step = step(testList);
        step.checkExternalInputs();
        assertThat(step.externalInputs())
                .containsExactly(root.resolve("train_lt.txt"), root.resolve("train_extra.txt"), testList).inOrder();

        List<Image> expected = new ArrayList<>();
        // Ids: index in the merged training lists (c.JPEG is listed twice, kept once), 1e9 + index for test.
        expected.add(image(0, Source.TRAIN, 0, 3, 8, ImageFiles.noise(8, 8, 10)));   // 8×8 PNG: exact pixels
        expected.add(image(1, Source.TRAIN, 1, 3, 8, decoded("train/n02/c.JPEG", 3)));
        expected.add(image(2, Source.TRAIN, 0, 3, 8, ImageFiles.crop(ImageFiles.noise(8, 12, 11), 3, 8, 12, 0, 2, 8)));
        expected.add(image(3, Source.TRAIN, 1, 3, 8, decoded("train/n02/d.png", 3)));
        expected.add(image(ReadIdx.TEST_ID_OFFSET, Source.TEST, 1, 3, 8, ImageFiles.noise(8, 8, 14)));
        expected.add(image(ReadIdx.TEST_ID_OFFSET + 1, Source.TEST, 0, 3, 8,
                ImageFiles.crop(ImageFiles.noise(9, 8, 15), 3, 9, 8, 0, 0, 8)));   // (9 - 8) / 2 = 0.5 -> 0

        Pipeline p = Pipeline.create();
        PAssert.that(StepPipelines.apply(p, step, root)).containsInAnyOrder(expected);
        p.run().waitUntilFinish();
    }

    @Test
    void oneChannelAndLimitsThroughABeamPipeline() throws IOException {
        Path testList = tree();
        ReadImageFolder step = step(testList).channels(1).limits(3, 1);
        List<Image> expected = List.of(
                image(0, Source.TRAIN, 0, 1, 8, decoded("train/n01/a.png", 1)),
                image(1, Source.TRAIN, 1, 1, 8, decoded("train/n02/c.JPEG", 1)),
                image(2, Source.TRAIN, 0, 1, 8, decoded("train/n01/b.png", 1)),
                image(ReadIdx.TEST_ID_OFFSET, Source.TEST, 1, 1, 8, decoded("test/t0.png", 1)));
        Pipeline p = Pipeline.create();
        PAssert.that(StepPipelines.apply(p, step, root)).containsInAnyOrder(expected);
        p.run().waitUntilFinish();
    }

    @Test
    void missingImagesAreReportedTogetherBeforeDecoding() throws IOException {
        Path testList = tree();
        Files.delete(root.resolve("train/n01/b.png"));
        Files.delete(root.resolve("test/t1.png"));
        Pipeline p = Pipeline.create();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> StepPipelines.apply(p, step(testList), root));
        assertThat(e).hasMessageThat().contains("2 listed image file(s) missing");
        assertThat(e).hasMessageThat().contains(root.resolve("train_extra.txt") + ":3: "
                + root.resolve("train/n01/b.png") + ": no such image file");
        assertThat(e).hasMessageThat().contains(testList + ":2: " + root.resolve("test/t1.png"));
    }

    @Test
    void badImagesFailTheRunTogetherNamingListLineAndImage() throws IOException {
        Path testList = tree();
        Files.writeString(root.resolve("train/n02/d.png"), "<html>not found</html>");
        Files.write(root.resolve("test/t0.png"), new byte[0]);
        byte[] jpeg = Files.readAllBytes(root.resolve("train/n02/c.JPEG"));
        Files.write(root.resolve("train/n02/c.JPEG"), Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        Pipeline p = Pipeline.create();
        StepPipelines.apply(p, step(testList), root);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        InvalidInputException bad = Causes.causeOf(e, InvalidInputException.class);
        assertThat(bad).isNotNull();
        // All three, in id order whatever the parallelism.
        assertThat(bad).hasMessageThat().isEqualTo(String.join(System.lineSeparator(),
                "3 image(s) could not be read:",
                "  " + root.resolve("train_lt.txt") + ":2: " + root.resolve("train/n02/c.JPEG")
                        + ": truncated JPEG image (Truncated File - Missing EOI marker); the file is incomplete",
                "  " + root.resolve("train_extra.txt") + ":4: " + root.resolve("train/n02/d.png")
                        + ": not a JPEG or PNG image: javax.imageio recognizes no image format in it (22 bytes,"
                        + " starting 3c 68 74 6d 6c 3e 6e 6f)",
                "  " + testList + ":1: " + root.resolve("test/t0.png")
                        + ": empty file (0 bytes), expected a JPEG or PNG image"));
    }

    @Test
    void manyBadImagesAreCountedAndTheFirstListed() throws IOException {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < FailOnBadImages.LISTED + 5; i++) {
            Files.createDirectories(root.resolve("bad"));
            Files.write(root.resolve("bad/" + i + ".png"), new byte[0]);
            list.append("bad/").append(i).append(".png 0\n");
        }
        Files.writeString(root.resolve("bad.txt"), list);
        Pipeline p = Pipeline.create();
        StepPipelines.apply(p, ReadImageFolder.from(root).train("bad.txt").size(8), root);
        RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
        InvalidInputException bad = Causes.causeOf(e, InvalidInputException.class);
        assertThat(bad).hasMessageThat().startsWith("25 image(s) could not be read:");
        assertThat(bad).hasMessageThat().contains(root.resolve("bad.txt") + ":20: " + root.resolve("bad/19.png"));
        assertThat(bad).hasMessageThat().doesNotContain(root.resolve("bad/20.png").toString());
        assertThat(bad).hasMessageThat().endsWith("... and 5 more");
    }

    @Test
    void badListLineFailsWhenThePipelineIsBuilt() throws IOException {
        Path testList = tree();
        Files.writeString(root.resolve("train_extra.txt"), "train/n01/b.png 5\n");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> StepPipelines.apply(Pipeline.create(), step(testList), root));
        assertThat(e).hasMessageThat()
                .isEqualTo(root.resolve("train_extra.txt") + ":1: label 5 is out of range, expected 0..1 (2 classes)");
    }

    @Test
    void checkExternalInputsFailsFastOnMissingRootOrListFiles() throws IOException {
        Path testList = tree();
        ReadImageFolder missingRoot = ReadImageFolder.from(root.resolve("nope").toString()).train("train_lt.txt");
        InvalidInputException e = assertThrows(InvalidInputException.class, missingRoot::checkExternalInputs);
        assertThat(e).hasMessageThat().startsWith("data.dir=" + root.resolve("nope") + ": no such directory");

        ReadImageFolder missingLists = ReadImageFolder.from(root.toString())
                .train("train_lt.txt", "ImageNet_LT_train.txt").test(root.resolve("absent/test.txt").toString());
        e = assertThrows(InvalidInputException.class, missingLists::checkExternalInputs);
        assertThat(e).hasMessageThat().contains("missing list file(s) " + root.resolve("ImageNet_LT_train.txt")
                + ", " + root.resolve("absent/test.txt"));

        InvalidInputException noTrain = assertThrows(InvalidInputException.class,
                () -> ReadImageFolder.from(root.toString()).test(List.of(testList)).checkExternalInputs());
        assertThat(noTrain).hasMessageThat().contains("no training list file given");
    }

    @Test
    void argumentsAreCheckedWhereTheyAreGiven() {
        ReadImageFolder r = ReadImageFolder.from("/data");
        InvalidInputException size = assertThrows(InvalidInputException.class, () -> r.size(4));
        assertThat(size).hasMessageThat().isEqualTo("ReadImageFolder: data.size=4: the value must be >= 8");
        assertThrows(IllegalArgumentException.class, () -> r.channels(2));
        assertThrows(IllegalArgumentException.class, () -> r.numClasses(0));
        assertThrows(IllegalArgumentException.class, () -> r.limits(0, -1));
        assertThrows(IllegalArgumentException.class, () -> r.train(List.of()));
        assertThrows(IllegalArgumentException.class, () -> ReadImageFolder.from(" "));
        // data.size is a declared parameter with a lower bound of 8.
        InvalidInputException small = assertThrows(InvalidInputException.class, () -> r.size(4));
        assertThat(small).hasMessageThat().contains("data.size=4");
        // Order of calls does not matter: same parameters and settings, same step.
        ReadImageFolder a = r.size(64).train("a.txt").channels(1);
        ReadImageFolder b = r.channels(1).train("a.txt").size(64);
        assertThat(a.paramValues()).isEqualTo(b.paramValues());
        assertThat(a.settings()).isEqualTo(b.settings());
        assertThat(a.paramValues()).containsEntry("data.size", "64");
        assertThat(a.paramValues()).containsEntry("data.dir", "/data");
        assertThat(a.settings()).containsEntry("channels", "1");
        assertThat(a.settings()).isNotEqualTo(r.train("a.txt").settings());
    }
}
