package io.sdclr.steps.internal.train;

import io.sdclr.steps.internal.model.Torch;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.internal.model.Branch;
import io.sdclr.steps.internal.model.Devices;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.OneDnnIsa;
import io.sdclr.steps.internal.model.ParamsFile;
import io.sdclr.steps.internal.model.PruneMask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * SimCLR / SDCLR pretraining of a {@link DualBranchResNet} (SDCLR, train_simCLR.py + prune/prune_simCLR.py).
 *
 * <pre>{@code
 * PretrainOutcome out = PretrainLoop.run(cfg, images, ids, workDir.resolve("ckpt"),
 *     workDir.resolve("encoder.params"), Devices.resolve("auto"), System.out::println);
 * }</pre>
 *
 * <p>Per epoch: rebuild the global magnitude mask from the current dense weights (SDCLR only), shuffle with a
 * seed of (seed, epoch), then per batch of N images make two views per image, run view 1 through the dense
 * branch (BN set 0) and view 2 through the pruned branch (BN set 1) — SimCLR: both views as one dense batch of 2N
 * images — compute NT-Xent over
 * the 2N projections and take one backward pass and one SGD step. (The official code runs the pruned branch
 * twice, once without gradient, to work around DDP; the gradient is the same, but its pruned BN set's running
 * statistics are updated twice per step there and once here.) Deterministic on CPU for a fixed config,
 * seed and torch thread count; concurrent runs on different threads do not interfere (no shared RNG, grad mode
 * is per thread, no {@code GradientCollector}, whose single global "collecting" flag would make them fail).
 */
public final class PretrainLoop {
    static final double MOMENTUM = 0.9;
    static final long REPORT_NANOS = 5_000_000_000L;
    /** Iterations left out of the steady-state rate: oneDNN selects and caches its kernels in the first ones. */
    public static final int WARMUP_ITERS = 10;

    private PretrainLoop() {}

    public static PretrainOutcome run(PretrainConfig cfg, List<byte[]> images, long[] ids, Path checkpointDir,
            Path paramsOut, Device device, Consumer<String> progress) {
        return run(cfg, images, ids, checkpointDir, paramsOut, device, viewThreads(device), progress);
    }

    /**
     * As above, with {@code viewThreads} CPU threads making the next batch's views while the current one trains
     * (0: made on the training thread, no overlap). The result does not depend on it.
     */
    public static PretrainOutcome run(PretrainConfig cfg, List<byte[]> images, long[] ids, Path checkpointDir,
            Path paramsOut, Device device, int viewThreads, Consumer<String> progress) {
        return run(cfg, images, ids, checkpointDir, paramsOut, device, viewThreads, progress, Integer.MAX_VALUE,
                device.isGpu());
    }

    /**
     * CPU threads that make views ahead of the step: {@code SDCLR_VIEW_THREADS} (environment) or the
     * {@code sdclr.viewThreads} system property when set, else 1 on CPU (augmentation is about 1% of a CPU step;
     * torch's threads keep the cores) and up to 8 beside a GPU, which trains a small-image batch in milliseconds.
     */
    public static int viewThreads(Device device) {
        String v = System.getProperty("sdclr.viewThreads", System.getenv("SDCLR_VIEW_THREADS"));
        if (v != null && !v.isBlank()) {
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 0 && n <= 256) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the error
            }
            throw new InvalidInputException("SDCLR_VIEW_THREADS is \"%s\", expected a whole number from 0 to 256 "
                    + "(0: make the views on the training thread)", v);
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        return device.isGpu() ? Math.max(1, Math.min(8, cpus - 1)) : 1;
    }

    /** As the public {@code run}, but returns null right after epoch {@code killAfterEpoch} (tests a killed run). */
    static PretrainOutcome run(PretrainConfig cfg, List<byte[]> images, long[] ids, Path checkpointDir,
            Path paramsOut, Device device, int viewThreads, Consumer<String> progress, int killAfterEpoch) {
        return run(cfg, images, ids, checkpointDir, paramsOut, device, viewThreads, progress, killAfterEpoch,
                device.isGpu());
    }

    /**
     * The loop. {@code lossOnDevice}: sum the loss on the device and read it back once per progress line and
     * epoch (what a GPU gets), instead of reading it every iteration (what the CPU gets).
     */
    static PretrainOutcome run(PretrainConfig cfg, List<byte[]> images, long[] ids, Path checkpointDir,
            Path paramsOut, Device device, int viewThreads, Consumer<String> progress, int killAfterEpoch,
            boolean lossOnDevice) {
        EncoderSpec spec = cfg.encoder();
        int n = images.size();
        if (n < 2) {
            throw new InvalidInputException("pretraining needs at least 2 images, got %d", n);
        }
        if (ids.length != n) {
            throw new InvalidInputException("pretraining got %d images but %d ids", n, ids.length);
        }
        for (int i = 0; i < n; i++) {
            if (images.get(i).length != spec.pixels()) {
                throw new InvalidInputException("image %d (id %d) has %d bytes, expected %d = %d x %d x %d",
                        i, ids[i], images.get(i).length, spec.pixels(), spec.channels(), spec.imageSize(),
                        spec.imageSize());
            }
        }
        DualBranchResNet.loadEngine();
        String hazard = OneDnnIsa.trainingHazard(spec, device);
        if (hazard != null) {
            throw new IllegalStateException(hazard);
        }
        Batches batches = Batches.of(n, cfg.batch());
        int batch = batches.size();
        int itersPerEpoch = batches.perEpoch();
        LrSchedule schedule = schedule(cfg, batches);
        // Everything that decides the result; how often checkpoints are written does not.
        PretrainConfig key = new PretrainConfig(spec, cfg.epochs(), cfg.batch(), cfg.lr(), cfg.temperature(),
                cfg.prune(), cfg.warmupEpochs(), cfg.weightDecay(), cfg.seed(), 0);
        String fingerprint = fingerprint(key, images, ids);
        if (device.isGpu()) {
            progress.accept("pretraining " + spec.method() + " on " + device);
        } else {
            progress.accept("pretraining " + spec.method() + " on CPU with " + Devices.torchThreads()
                    + " torch threads, " + OneDnnIsa.describe());
        }

        boolean prevGrad = Torch.gradMode();
        try (DualBranchResNet net = DualBranchResNet.create(spec, device, cfg.seed());
                MomentumSgd sgd = new MomentumSgd(net.parameters(), net.manager(), MOMENTUM, cfg.weightDecay());
                NtXent ntXent = new NtXent(net.manager())) {
            Torch.setGradMode(false);
            Map<String, NDArray> modelState = new LinkedHashMap<>(net.parameters());
            modelState.putAll(net.buffers());
            float[] losses = new float[cfg.epochs()];
            double[] maskKept = new double[spec.isSdclr() ? cfg.epochs() : 0];
            float[] maskThreshold = new float[maskKept.length];
            int startEpoch = 1;
            if (checkpointDir != null) {
                deleteStaleTemps(checkpointDir);
                Optional<Path> ckpt = Checkpoint.newest(checkpointDir);
                if (ckpt.isPresent()) {
                    Checkpoint.Restored r = Checkpoint.read(ckpt.get(), fingerprint, modelState, sgd.state());
                    if (r.problem() != null) {
                        progress.accept("ignoring checkpoint " + ckpt.get() + ": " + r.problem());
                    } else if (r.epoch() > cfg.epochs()) {
                        throw new InvalidInputException("checkpoint %s is at epoch %d, past the configured %d",
                                ckpt.get(), r.epoch(), cfg.epochs());
                    } else {
                        System.arraycopy(r.losses(), 0, losses, 0, r.epoch());
                        if (maskKept.length > 0) {
                            System.arraycopy(r.maskKept(), 0, maskKept, 0, r.epoch());
                            System.arraycopy(r.maskThreshold(), 0, maskThreshold, 0, r.epoch());
                        }
                        startEpoch = r.epoch() + 1;
                        progress.accept("resumed from checkpoint at epoch " + r.epoch());
                    }
                }
            }

            // On a GPU the loss stays on the device, summed there and read back once per progress line and epoch
            // (a read per iteration would make the host wait for every step); on CPU, where nothing runs ahead,
            // it is read every iteration, which keeps the epoch losses bit-identical to earlier versions.
            long trainedImages = 0;
            long loopNanos = 0;
            long lastReport = System.nanoTime();
            long totalIters = (long) (cfg.epochs() - startEpoch + 1) * itersPerEpoch;
            long doneIters = 0;
            long viewWaitAtEpochStart = 0;
            // Where the clock stood after the first WARMUP_ITERS iterations (oneDNN picks its kernels in the first
            // few): the steady rate is measured from there.
            long warmLoopNanos = -1;
            long warmWaitNanos = 0;
            long warmImages = 0;

            try (ViewMaker views = new ViewMaker(spec, images, ids, cfg.seed(), batch, viewThreads)) {
                int[] order = permutation(n, SampleSeeds.mix(cfg.seed(), startEpoch));
                if (startEpoch <= cfg.epochs()) {
                    views.request(startEpoch, order, 0, itersPerEpoch == 1 ? batches.last() : batch);
                }
                for (int epoch = startEpoch; epoch <= cfg.epochs(); epoch++) {
                    long epochStart = System.nanoTime();
                    if (spec.isSdclr()) {
                        // Global magnitude mask from the current dense weights, rebuilt each epoch (prune/mask.py),
                        // on the weights' device; the first batch's views are being made meanwhile.
                        PruneMask.Summary mask = net.rebuildMask(cfg.prune());
                        maskKept[epoch - 1] = (double) mask.kept() / mask.total();
                        maskThreshold[epoch - 1] = mask.threshold();
                        progress.accept(String.format(Locale.ROOT,
                                "epoch %d/%d mask rebuilt: kept %d of %d conv weights (%.1f%%), |w| >= %.6g",
                                epoch, cfg.epochs(), mask.kept(), mask.total(), 100.0 * mask.kept() / mask.total(),
                                mask.threshold()));
                    }
                    int[] nextOrder = epoch < cfg.epochs() ? permutation(n, SampleSeeds.mix(cfg.seed(), epoch + 1))
                            : null;
                    double lossSum = 0;
                    long epochImages = 0;
                    int reportedUpTo = 0;
                    try (NDManager epochManager = net.manager().newSubManager()) {
                        NDArray deviceLossSum = lossOnDevice ? epochManager.zeros(new Shape(), DataType.FLOAT64) : null;
                        for (int it = 0; it < itersPerEpoch; it++) {
                            long t0 = System.nanoTime();
                            ViewMaker.Batch b = views.take();
                            // The next batch (of this epoch, or the first of the next) is made while this trains.
                            if (it + 1 < itersPerEpoch) {
                                views.request(epoch, order, (it + 1) * batch,
                                        it + 2 < itersPerEpoch ? batch : batches.last());
                            } else if (nextOrder != null) {
                                views.request(epoch + 1, nextOrder, 0, itersPerEpoch == 1 ? batches.last() : batch);
                            }
                            int size = b.size();
                            long global = (long) (epoch - 1) * itersPerEpoch + it;
                            double lr = schedule.at(global);
                            float loss = step(net, sgd, ntXent, b, cfg.temperature(), lr, deviceLossSum);
                            if (!lossOnDevice) {
                                if (!Float.isFinite(loss)) {
                                    throw lossDiverged(loss, epoch, it + 1, it + 1, lr);
                                }
                                // Weighted by batch size, as the official AverageMeter (losses.update(loss, n)).
                                lossSum += (double) loss * size;
                            }
                            long t1 = System.nanoTime();
                            loopNanos += t1 - t0;
                            trainedImages += size;
                            epochImages += size;
                            doneIters++;
                            if (doneIters == WARMUP_ITERS) {
                                warmLoopNanos = loopNanos;
                                warmWaitNanos = views.waitNanos();
                                warmImages = trainedImages;
                            }
                            if (t1 - lastReport >= REPORT_NANOS && it + 1 < itersPerEpoch) {
                                lastReport = t1;
                                double shown = loss;
                                if (lossOnDevice) {
                                    // The epoch's mean so far: the one read-back of this progress interval.
                                    shown = deviceLossSum.getDouble() / epochImages;
                                    if (!Double.isFinite(shown)) {
                                        throw lossDiverged((float) shown, epoch, reportedUpTo + 1, it + 1, lr);
                                    }
                                    reportedUpTo = it + 1;
                                }
                                double ips = trainedImages / (loopNanos / 1e9);
                                double eta = (totalIters - doneIters) * (loopNanos / 1e9 / doneIters);
                                progress.accept(String.format(Locale.ROOT,
                                        "epoch %d/%d iter %d/%d loss %.4f%s lr %.4f %.0f img/s ETA %s",
                                        epoch, cfg.epochs(), it + 1, itersPerEpoch, shown,
                                        lossOnDevice ? " (epoch mean so far)" : "", lr, ips, hms(eta)));
                            }
                        }
                        if (lossOnDevice) {
                            lossSum = deviceLossSum.getDouble();
                            if (!Double.isFinite(lossSum)) {
                                throw lossDiverged((float) lossSum, epoch, reportedUpTo + 1, itersPerEpoch,
                                        schedule.at((long) epoch * itersPerEpoch - 1));
                            }
                        }
                    }
                    losses[epoch - 1] = (float) (lossSum / batches.perEpochImages());
                    double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
                    lastReport = System.nanoTime();
                    long epochWait = views.waitNanos() - viewWaitAtEpochStart;
                    viewWaitAtEpochStart = views.waitNanos();
                    progress.accept(String.format(Locale.ROOT,
                            "epoch %d/%d done loss %.4f (mean) %.0f img/s, %.1f s (%s %.1f%% of the epoch)",
                            epoch, cfg.epochs(), losses[epoch - 1], batches.perEpochImages() / epochSeconds,
                            epochSeconds, views.threads() > 0 ? "waiting for augmented views" : "augmentation",
                            100.0 * epochWait / 1e9 / epochSeconds));
                    if (checkpointDir != null && cfg.checkpointEvery() > 0 && epoch % cfg.checkpointEvery() == 0) {
                        Checkpoint.write(checkpointDir, fingerprint, epoch, losses, maskKept, maskThreshold,
                                modelState, sgd.state());
                    }
                    if (epoch == killAfterEpoch) {
                        return null;
                    }
                    order = nextOrder;
                }
                long waitNanos = views.waitNanos();
                String sha = ParamsFile.write(net, paramsOut);
                double steadyStepSeconds = warmLoopNanos < 0 ? 0
                        : ((loopNanos - warmLoopNanos) - (waitNanos - warmWaitNanos)) / 1e9;
                return new PretrainOutcome(cfg.epochs(), losses, maskKept, maskThreshold, trainedImages,
                        waitNanos / 1e9, (loopNanos - waitNanos) / 1e9, trainedImages - warmImages,
                        steadyStepSeconds, sha);
            }
        } finally {
            Torch.setGradMode(prevGrad);
        }
    }

    private static IllegalStateException lossDiverged(float loss, int epoch, int fromIter, int toIter, double lr) {
        String where = fromIter == toIter ? "iteration " + toIter
                : "iterations " + fromIter + " to " + toIter + " (read back once per progress interval on a GPU)";
        return new IllegalStateException(String.format(Locale.ROOT,
                "loss became %s at epoch %d %s (lr %.4g); lower the learning rate", loss, epoch, where, lr));
    }

    /**
     * One iteration: forward both views, NT-Xent, one backward pass, SGD. SDCLR runs view 1 through the dense
     * branch and view 2 through the pruned one; SimCLR forwards both views as one batch of 2N images
     * (train_simCLR.py: {@code inputs.view(d[0]*2, ...)}), so its BatchNorm statistics cover both views. Returns
     * the loss, read back to the host — unless {@code deviceLossSum} is given: then the loss times the batch size
     * is added to it on the device, nothing is read back (the host does not wait for the step), and NaN is
     * returned.
     */
    static float step(DualBranchResNet net, MomentumSgd sgd, NtXent ntXent, ViewMaker.Batch views,
            double temperature, double lr, NDArray deviceLossSum) {
        // Everything of this iteration lives in this sub-manager, so memory is flat across iterations.
        try (NDManager it = net.manager().newSubManager()) {
            float loss = Float.NaN;
            Torch.setGradMode(true);
            try {
                // Both views in one tensor: one host-to-device copy per batch.
                NDArray x = views.tensor(it);
                long n = views.size();
                NDArray z1;
                NDArray z2;
                if (net.spec().isSdclr()) {
                    z1 = net.project(net.features(x.get("0:" + n), Branch.DENSE, true), Branch.DENSE, true);
                    z2 = net.project(net.features(x.get(n + ":"), Branch.PRUNED, true), Branch.PRUNED, true);
                } else {
                    NDArray z = net.project(net.features(x, Branch.DENSE, true), Branch.DENSE, true);
                    z1 = z.get("0:" + n);
                    z2 = z.get(n + ":");
                }
                NDArray l = ntXent.of(z1, z2, temperature);
                Torch.backward(l, it.ones(l.getShape()));
                if (deviceLossSum == null) {
                    loss = l.getFloat();
                } else {
                    deviceLossSum.addi(l.toType(DataType.FLOAT64, false).mul(n));
                }
            } finally {
                Torch.setGradMode(false);
            }
            sgd.step(net.parameters(), lr);
            return loss;
        }
    }

    /**
     * How an epoch of {@code n} images is cut into batches: full batches of {@code size}, then the last partial
     * batch, which the official DataLoader keeps ({@code drop_last} false). A last batch of a single image is
     * dropped: BatchNorm cannot train on one sample (PyTorch raises "Expected more than 1 value per channel"
     * there). A dataset smaller than one batch is one batch of everything.
     *
     * @param size images in every batch but the last
     * @param perEpoch batches per epoch
     * @param last images in the last batch ({@code size} when n divides evenly)
     */
    record Batches(int size, int perEpoch, int last) {
        static Batches of(int n, int batch) {
            int size = Math.min(batch, n);
            int full = n / size;
            int rest = n - full * size;
            return rest >= 2 ? new Batches(size, full + 1, rest) : new Batches(size, full, size);
        }

        /** Images trained on per epoch. */
        long perEpochImages() {
            return (long) (perEpoch - 1) * size + last;
        }
    }

    /**
     * Linear warm-up to {@code cfg.lr()}, then cosine to 1e-6, per iteration. The lr is the learning rate itself
     * at any batch size (train_simCLR.py: {@code --lr 0.5} for batch 512 on CIFAR and 256 on ImageNet-100).
     */
    static LrSchedule schedule(PretrainConfig cfg, Batches batches) {
        return new LrSchedule(cfg.lr(), (long) cfg.warmupEpochs() * batches.perEpoch(),
                (long) cfg.epochs() * batches.perEpoch());
    }

    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Identifies what a checkpoint belongs to: the result-deciding config and the exact training images. */
    static String fingerprint(PretrainConfig key, List<byte[]> images, long[] ids) {
        return key + " n=" + images.size() + " ids=" + Long.toHexString(SampleSeeds.mix(ids))
                + " pixels=" + Long.toHexString(pixelHash(images));
    }

    private static long pixelHash(List<byte[]> images) {
        long h = 0;
        for (byte[] img : images) {
            h = SampleSeeds.stafford(h ^ Arrays.hashCode(img));
        }
        return h;
    }

    private static void deleteStaleTemps(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        // Temp files of a run killed while writing a checkpoint (the rename never happened).
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "checkpoint-epoch-*.tmp")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    private static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
