package io.sdclr.steps.eval;

import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.internal.data.ImageBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The three image sets of a PIE analysis, each sorted by id with its pixels and its dense features (from the
 * features artifact): D_i of the split (where PIEs are counted and shown), the validation set (what the
 * classifiers are trained on, and the kNN bank) and the test images.
 *
 * <pre>{@code
 * PieSets sets = PieSets.of(imageBatch, features, split);
 * float[][] pruned = encoder.embed(sets.allPixels(), Branch.PRUNED); // D_i, then validation, then test
 * }</pre>
 */
record PieSets(Rows longTail, Rows val, Rows test) {

    /** Images of one set with their dense features, sorted by id. */
    record Rows(long[] ids, int[] labels, List<byte[]> pixels, float[][] dense) {
        int size() {
            return ids.length;
        }

        LabeledFeatures denseFeatures() {
            return new LabeledFeatures(dense, labels);
        }
    }

    /**
     * Picks the sets out of {@code images} (sorted by id) and {@code features}; fails naming the split and the set
     * when an image or a feature of a listed id is missing, or an image's label is not its feature's.
     */
    static PieSets of(ImageBatch images, Iterable<Feature> features, LongTailSplit split) {
        Map<Long, Feature> byId = new HashMap<>();
        for (Feature f : features) {
            byId.put(f.getId(), f);
        }
        Map<Long, Integer> rowOf = new HashMap<>();
        List<Long> testIds = new ArrayList<>();
        for (int i = 0; i < images.count(); i++) {
            rowOf.put(images.ids()[i], i);
            if (images.sources()[i] == Source.TEST) {
                testIds.add(images.ids()[i]);
            }
        }
        if (testIds.isEmpty()) {
            throw new IllegalStateException("no test images: the data artifact has no TEST images");
        }
        return new PieSets(rows("D_i", split.getLongTailIds(), images, rowOf, byId, split),
                rows("validation set", split.getValIds(), images, rowOf, byId, split),
                rows("test set", testIds, images, rowOf, byId, split));
    }

    /** Pixels of D_i, then the validation set, then the test set: the order {@link #split} expects. */
    List<byte[]> allPixels() {
        List<byte[]> all = new ArrayList<>(longTail.pixels());
        all.addAll(val.pixels());
        all.addAll(test.pixels());
        return all;
    }

    /** Total number of images. */
    int size() {
        return longTail.size() + val.size() + test.size();
    }

    /** Rows of features of {@link #allPixels()} order back into D_i, validation and test: {@code result[0..2]}. */
    float[][][] split(float[][] all) {
        if (all.length != size()) {
            throw new IllegalArgumentException(all.length + " feature rows for " + size() + " images");
        }
        int a = longTail.size();
        int b = a + val.size();
        return new float[][][] {
            java.util.Arrays.copyOfRange(all, 0, a),
            java.util.Arrays.copyOfRange(all, a, b),
            java.util.Arrays.copyOfRange(all, b, all.length)
        };
    }

    private static Rows rows(String what, List<Long> ids, ImageBatch images, Map<Long, Integer> rowOf,
            Map<Long, Feature> byId, LongTailSplit split) {
        List<Long> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        int n = sorted.size();
        long[] out = new long[n];
        int[] labels = new int[n];
        List<byte[]> pixels = new ArrayList<>(n);
        float[][] dense = new float[n][];
        int noImage = 0;
        int noFeature = 0;
        for (int i = 0; i < n; i++) {
            long id = sorted.get(i);
            Integer row = rowOf.get(id);
            Feature f = byId.get(id);
            if (row == null) {
                noImage++;
                continue;
            }
            if (f == null) {
                noFeature++;
                continue;
            }
            if (images.labels()[row] != f.getLabel()) {
                throw new IllegalStateException(String.format("image %d has label %d but its feature has label %d:"
                        + " the features were not extracted from these images", id, images.labels()[row],
                        f.getLabel()));
            }
            out[i] = id;
            labels[i] = f.getLabel();
            pixels.add(images.pixels().get(row));
            dense[i] = values(f);
        }
        if (noImage > 0) {
            throw new IllegalStateException(String.format(
                    "split %d lists %d images in the %s but %d of them are not in the data artifact",
                    split.getSplit(), n, what, noImage));
        }
        if (noFeature > 0) {
            throw new IllegalStateException(String.format(
                    "split %d: the %s has %d images but features exist for %d of them", split.getSplit(), what, n,
                    n - noFeature));
        }
        return new Rows(out, labels, pixels, dense);
    }

    private static float[] values(Feature f) {
        ByteBuffer vals = f.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[vals.remaining() / 4];
        vals.asFloatBuffer().get(x);
        return x;
    }
}
