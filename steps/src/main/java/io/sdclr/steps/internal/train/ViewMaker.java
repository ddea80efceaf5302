package io.sdclr.steps.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.sdclr.steps.internal.augment.Augmentation;
import io.sdclr.steps.internal.model.EncoderSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the two augmented views of each batch on CPU threads, one batch ahead of the training step that uses
 * them, so the device trains batch i while batch i+1 is being made.
 *
 * <pre>{@code
 * try (ViewMaker views = new ViewMaker(spec, images, ids, seed, batchSize, threads)) {
 *     views.request(epoch, order, 0, size);          // batch 0
 *     for (...) {
 *         ViewMaker.Batch b = views.take();           // waits for the requested batch
 *         views.request(nextEpoch, nextOrder, from, n); // made while this one trains
 *         NDArray x = b.tensor(manager);              // both views, one host-to-device copy
 *     }
 * }
 * }</pre>
 *
 * <p>Each view's randomness depends only on (seed, epoch, sample id, view), so the views are the same whatever
 * the thread count, and with {@code threads} 0 (made on the calling thread inside {@link #take}) — the overlap
 * changes when views are made, never what they are. Two buffers alternate: the one {@link #take} returned
 * belongs to the caller until its next {@code take}; the other is being filled.
 */
final class ViewMaker implements AutoCloseable {
    private final EncoderSpec spec;
    private final List<byte[]> images;
    private final long[] ids;
    private final long seed;
    private final int threads;
    private final ExecutorService pool;
    private final Augmentation[] augs;
    private final Batch[] buffers = new Batch[2];
    private int next; // the buffer the next request fills
    private Pending pending;
    private long waitNanos;

    /** @param threads CPU threads making views ahead of the step; 0 makes them on the caller's thread when taken */
    ViewMaker(EncoderSpec spec, List<byte[]> images, long[] ids, long seed, int batchSize, int threads) {
        this.spec = spec;
        this.images = images;
        this.ids = ids;
        this.seed = seed;
        this.threads = threads;
        augs = new Augmentation[Math.max(1, threads)];
        for (int i = 0; i < augs.length; i++) {
            augs[i] = new Augmentation(spec.channels(), spec.imageSize(), spec.imageSize());
        }
        buffers[0] = new Batch(spec, batchSize);
        buffers[1] = new Batch(spec, batchSize);
        if (threads > 0) {
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "sdclr-views-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            pool = null;
        }
    }

    /** How many threads make views ahead of the step (0: none, made on the training thread). */
    int threads() {
        return threads;
    }

    /**
     * Starts making the views of the {@code size} images {@code order[from..from+size)} of {@code epoch} into
     * the buffer not returned by the last {@link #take}. One request may be outstanding at a time.
     */
    void request(int epoch, int[] order, int from, int size) {
        if (pending != null) {
            throw new IllegalStateException("a batch is already requested");
        }
        Batch b = buffers[next];
        next ^= 1;
        b.size = size;
        List<Runnable> parts = new ArrayList<>();
        int chunks = Math.max(1, Math.min(augs.length, size));
        for (int c = 0; c < chunks; c++) {
            int lo = (int) ((long) size * c / chunks);
            int hi = (int) ((long) size * (c + 1) / chunks);
            Augmentation aug = augs[c];
            parts.add(() -> fill(aug, b, epoch, order, from, lo, hi));
        }
        if (pool == null) {
            pending = new Pending(b, parts, List.of());
        } else {
            List<Future<?>> futures = new ArrayList<>(parts.size());
            for (Runnable r : parts) {
                futures.add(pool.submit(r));
            }
            pending = new Pending(b, List.of(), futures);
        }
    }

    /** The requested batch, made; waits for it (the wait, or the making without threads, is timed). */
    Batch take() {
        if (pending == null) {
            throw new IllegalStateException("no batch requested");
        }
        long t0 = System.nanoTime();
        Pending p = pending;
        pending = null;
        p.inline().forEach(Runnable::run);
        for (Future<?> f : p.futures()) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for augmented views", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("making augmented views failed", cause);
            }
        }
        waitNanos += System.nanoTime() - t0;
        return p.batch();
    }

    /** Nanoseconds the training thread spent in {@link #take}: waiting for views, or making them. */
    long waitNanos() {
        return waitNanos;
    }

    private void fill(Augmentation aug, Batch b, int epoch, int[] order, int from, int lo, int hi) {
        int pixels = spec.pixels();
        int secondView = b.size * pixels;
        for (int i = lo; i < hi; i++) {
            int idx = order[from + i];
            long id = ids[idx];
            aug.view(images.get(idx), new SplittableRandom(SampleSeeds.mix(seed, epoch, id, 1)), b.values, i * pixels);
            aug.view(images.get(idx), new SplittableRandom(SampleSeeds.mix(seed, epoch, id, 2)), b.values,
                    secondView + i * pixels);
        }
        // Into the direct buffer the tensor is made from, this part's images of both views.
        b.floats.put(lo * pixels, b.values, lo * pixels, (hi - lo) * pixels);
        b.floats.put(secondView + lo * pixels, b.values, secondView + lo * pixels, (hi - lo) * pixels);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private record Pending(Batch batch, List<Runnable> inline, List<Future<?>> futures) {}

    /**
     * One batch's views: the first view of its {@link #size()} images, then their second view, in one direct
     * buffer reused every iteration ({@code NDManager.create(float[])} would allocate a direct buffer per call,
     * freed only by a GC).
     */
    static final class Batch {
        private final EncoderSpec spec;
        private final float[] values;
        private final ByteBuffer direct;
        private final FloatBuffer floats;
        private int size;

        Batch(EncoderSpec spec, int capacity) {
            this.spec = spec;
            int n = Math.multiplyExact(2 * capacity, spec.pixels());
            values = new float[n];
            direct = ByteBuffer.allocateDirect(Math.multiplyExact(4, n)).order(ByteOrder.nativeOrder());
            floats = direct.asFloatBuffer();
        }

        /** A batch holding the given views of {@code one.length / spec.pixels()} images (for tests). */
        static Batch of(EncoderSpec spec, float[] one, float[] two) {
            int size = one.length / spec.pixels();
            Batch b = new Batch(spec, size);
            b.size = size;
            System.arraycopy(one, 0, b.values, 0, one.length);
            System.arraycopy(two, 0, b.values, one.length, two.length);
            b.floats.put(0, b.values, 0, b.values.length);
            return b;
        }

        /** Images in this batch. */
        int size() {
            return size;
        }

        /**
         * Both views as one {@code [2 * size, C, H, W]} tensor on {@code m}'s device (one host-to-device copy):
         * rows {@code 0..size} are the first view, {@code size..2*size} the second.
         */
        NDArray tensor(NDManager m) {
            direct.clear();
            direct.limit(2 * size * spec.pixels() * 4);
            return m.create(direct, new Shape(2L * size, spec.channels(), spec.imageSize(), spec.imageSize()),
                    DataType.FLOAT32);
        }
    }
}
