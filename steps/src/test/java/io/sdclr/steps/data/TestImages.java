package io.sdclr.steps.data;

import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.Source;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** In-memory {@link Image} records for step tests: seeded random pixels, label {@code i % classes}. */
public final class TestImages {
    private TestImages() {}

    public static Image image(long id, Source source, int label, int channels, int size, byte[] pixels) {
        return Image.newBuilder().setId(id).setSource(source).setLabel(label).setChannels(channels)
                .setHeight(size).setWidth(size).setPixels(ByteBuffer.wrap(pixels)).build();
    }

    /**
     * {@code train} training images (ids 0..train-1, label {@code id % classes}) then {@code test} test images (ids
     * {@link ReadIdx#TEST_ID_OFFSET} + j, label {@code j % classes}), {@code channels x size x size} random pixels
     * drawn from {@code seed}.
     */
    public static List<Image> random(int train, int test, int classes, int channels, int size, long seed) {
        Random r = new Random(seed);
        List<Image> out = new ArrayList<>();
        for (int i = 0; i < train + test; i++) {
            boolean isTest = i >= train;
            int j = isTest ? i - train : i;
            byte[] px = new byte[channels * size * size];
            r.nextBytes(px);
            out.add(image(isTest ? ReadIdx.TEST_ID_OFFSET + j : j, isTest ? Source.TEST : Source.TRAIN,
                    j % classes, channels, size, px));
        }
        return out;
    }

    /** The same records in another (seeded) order. */
    public static <T> List<T> shuffled(List<T> records, long seed) {
        List<T> copy = new ArrayList<>(records);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }
}
