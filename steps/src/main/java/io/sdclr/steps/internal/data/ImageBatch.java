package io.sdclr.steps.internal.data;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.Source;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Images as the model code takes them: sorted by id (so numerics never depend on how a runner bundled them),
 * checked to share one geometry, pixels copied out of their records.
 *
 * <pre>{@code
 * ImageBatch b = ImageBatch.of(images, "pretraining");            // geometry of the first image, all must agree
 * ImageBatch e = ImageBatch.of(images, 3, 32, "the encoder");     // a fixed geometry
 * }</pre>
 *
 * @param pixels uint8 CHW pixels of image i
 */
public record ImageBatch(long[] ids, int[] labels, Source[] sources, List<byte[]> pixels, int channels, int size) {

    /** Every image, sorted by id, with the geometry of the first one; {@code user} names who needs them. */
    public static ImageBatch of(Iterable<Image> images, String user) {
        List<Image> sorted = sorted(images);
        if (sorted.isEmpty()) {
            return new ImageBatch(new long[0], new int[0], new Source[0], List.of(), 0, 0);
        }
        Image first = sorted.get(0);
        if (first.getHeight() != first.getWidth()) {
            throw new InvalidInputException("image %d is %dx%d; %s needs square images", first.getId(),
                    first.getHeight(), first.getWidth(), user);
        }
        return copy(sorted, first.getChannels(), first.getHeight(), user);
    }

    /** Every image, sorted by id; each must be {@code channels × size × size}. */
    public static ImageBatch of(Iterable<Image> images, int channels, int size, String user) {
        return copy(sorted(images), channels, size, user);
    }

    /** Number of images. */
    public int count() {
        return ids.length;
    }

    private static List<Image> sorted(Iterable<Image> images) {
        List<Image> list = new ArrayList<>();
        images.forEach(list::add);
        list.sort(Comparator.comparingLong(Image::getId));
        return list;
    }

    private static ImageBatch copy(List<Image> sorted, int channels, int size, String user) {
        long[] ids = new long[sorted.size()];
        int[] labels = new int[sorted.size()];
        Source[] sources = new Source[sorted.size()];
        List<byte[]> pixels = new ArrayList<>(sorted.size());
        int bytes = channels * size * size;
        for (int i = 0; i < ids.length; i++) {
            Image im = sorted.get(i);
            if (im.getChannels() != channels || im.getHeight() != size || im.getWidth() != size) {
                throw new InvalidInputException(
                        "image %d is %dx%dx%d but %s expects %dx%dx%d (channels x height x width)", im.getId(),
                        im.getChannels(), im.getHeight(), im.getWidth(), user, channels, size, size);
            }
            ByteBuffer b = im.getPixels().duplicate();
            byte[] px = new byte[bytes];
            b.get(px);
            pixels.add(px);
            ids[i] = im.getId();
            labels[i] = im.getLabel();
            sources[i] = im.getSource();
        }
        return new ImageBatch(ids, labels, sources, pixels, channels, size);
    }
}
