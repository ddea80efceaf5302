package io.sdclr.steps.train;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.pipeline.cli.Benchmark;
import io.sdclr.steps.data.IdxFile;
import io.sdclr.steps.model.Devices;
import io.sdclr.steps.model.EncoderSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code ./sdclr bench pretrain [--method simclr|sdclr] [--width W] [--batch B] [--iters N]}: times the
 * pretraining loop on real Fashion-MNIST images (one epoch of N batches, first iterations included) and the
 * augmentation alone, and reports peak resident memory. Ends with one line:
 * {@code bench: method=M width=W batch=B images_per_second=R aug_fraction=F peak_rss_mb=P}.
 */
public final class BenchPretrain implements Benchmark {
    static final String DATA = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

    @Override
    public String name() {
        return "pretrain";
    }

    @Override
    public String description() {
        return "pretraining throughput (images/s), augmentation share and peak memory on Fashion-MNIST";
    }

    @Override
    public int run(List<String> args) throws IOException {
        String method = "sdclr";
        double width = 0.25;
        int batch = 256;
        int iters = 200;
        String data = DATA;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String v = i + 1 < args.size() ? args.get(i + 1) : null;
            if (v == null) {
                throw new InvalidInputException("bench pretrain: %s needs a value", a);
            }
            switch (a) {
                case "--method" -> method = v;
                case "--width" -> width = number(a, v);
                case "--batch" -> batch = (int) number(a, v);
                case "--iters" -> iters = (int) number(a, v);
                case "--data" -> data = v;
                default -> throw new InvalidInputException(
                        "bench pretrain: unknown option %s; expected --method, --width, --batch, --iters, --data", a);
            }
            i++;
        }
        if (batch < 2 || iters < 1) {
            throw new InvalidInputException("bench pretrain: --batch must be >= 2 and --iters >= 1");
        }
        Path file = Path.of(data);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("bench pretrain: %s not found; install it with: sudo apt-get install "
                    + "dataset-fashion-mnist (or pass --data FILE)", file);
        }
        int n = batch * iters;
        int available = IdxFile.readHeader(file).dims()[0];
        byte[][] pool = IdxFile.readImages(file, 0, Math.min(n, available));
        List<byte[]> images = new ArrayList<>(n);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            images.add(pool[i % pool.length]); // More iterations than images: cycle (ids stay distinct).
            ids[i] = i;
        }
        EncoderSpec spec = new EncoderSpec(method, "resnet18", width, 1, 28, List.of(0.2860), List.of(0.3530));
        PretrainConfig cfg = new PretrainConfig(spec, 1, batch, 0.5, 0.2, 0.9, 1, 1e-4, 1, 0);

        double augSecondsPerBatch = augmentationSeconds(images, batch);
        Path dir = Files.createTempDirectory("sdclr-bench");
        try {
            long t0 = System.nanoTime();
            PretrainOutcome o = PretrainLoop.run(cfg, images, ids, dir.resolve("work"), dir.resolve("enc.params"),
                    Devices.resolve("auto"), line -> System.err.println("[bench] " + line));
            double seconds = (System.nanoTime() - t0) / 1e9;
            double augFraction = augSecondsPerBatch * iters / seconds;
            System.out.printf("bench: method=%s width=%s batch=%d images_per_second=%.1f aug_fraction=%.4f "
                    + "peak_rss_mb=%d%n", method, width, batch, n / seconds, augFraction, peakRssMb());
        } finally {
            io.sdclr.pipeline.store.ArtifactStore.deleteTree(dir);
        }
        return 0;
    }

    /** Seconds to make both views of one batch, as the training loop does (after a warm-up). */
    private static double augmentationSeconds(List<byte[]> images, int batch) {
        Augmentation aug = new Augmentation(1, 28, 28);
        float[] out = new float[batch * 28 * 28];
        long start = 0;
        int reps = 10;
        for (int rep = -3; rep < reps; rep++) {
            if (rep == 0) {
                start = System.nanoTime();
            }
            for (int i = 0; i < batch; i++) {
                byte[] img = images.get(i % images.size());
                aug.view(img, new SplittableRandom(SampleSeeds.mix(rep, i, 1)), out, i * 28 * 28);
                aug.view(img, new SplittableRandom(SampleSeeds.mix(rep, i, 2)), out, i * 28 * 28);
            }
        }
        return (System.nanoTime() - start) / 1e9 / reps;
    }

    private static double number(String option, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("bench pretrain: %s %s: expected a number", option, v);
        }
    }

    /** Peak resident set size of this process (VmHWM), in MB. */
    static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(Arrays.stream(line.split("\\s+")).skip(1).findFirst().orElse("0")) / 1024;
            }
        }
        return -1;
    }
}
