package io.sdclr.examples.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.pipeline.cli.Benchmark;
import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.steps.internal.data.IdxFile;
import io.sdclr.steps.internal.model.Devices;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.train.PretrainConfig;
import io.sdclr.steps.internal.train.PretrainLoop;
import io.sdclr.steps.internal.train.PretrainOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code ./sdclr bench pretrain}: pretraining throughput on real Fashion-MNIST (28x28x1), split into making the
 * augmented views and forward/backward/update, with resident memory after every epoch and at its peak.
 *
 * <pre>
 * ./sdclr bench pretrain                                      SDCLR, one run in this JVM
 * ./sdclr bench pretrain --method simclr,sdclr                both, alternating, one child JVM each
 * ./sdclr bench pretrain --allocator tuned,default            with and without the allocator tuning
 * ./sdclr bench pretrain --reference pytorch --rounds 2       ... against PyTorch eager (Debian python3-torch)
 * </pre>
 *
 * <p>Options: {@code --method sdclr} (or a comma-separated list), {@code --width 0.25}, {@code --batch 256}, {@code --iters 200}
 * (total iterations, spread over {@code --epochs 4}, each epoch rebuilding the SDCLR mask), {@code --data FILE}
 * (an IDX image file), {@code --allocator tuned|default|jemalloc[,..]} (glibc with
 * the launcher's tuning, glibc's defaults, or Debian's libjemalloc2 preloaded with {@value #JEMALLOC_CONF}), {@code --reference pytorch},
 * {@code --rounds N}, {@code --python /usr/bin/python3}, {@code --device auto|cpu|gpu}, {@code --view-threads N}
 * (CPU threads making the next batch's views while one trains; 0: none, default as pretraining's),
 * {@code --image 32x32x3} (the images in CIFAR's shape: padded and
 * copied to three channels; speed on CIFAR-sized input without CIFAR on the machine), {@code --layout nhwc|nchw} (activations channels-last, as
 * pretraining runs on CPU, or NCHW; the PyTorch reference follows), {@code --profile FILE} (libtorch's profiler
 * over the whole run, written as a Chrome trace), {@code --checkpoints DIR} (a checkpoint after every epoch there; a rerun resumes from it: the kill-and-resume
 * check of infra/gpu-check). A single configuration runs in this process and ends
 * with the CLI contract's line {@code bench: method=M width=W batch=B images_per_second=R aug_fraction=F
 * peak_rss_mb=P}, after a {@code bench-device:} line (device, view threads, share of the training thread's time
 * spent waiting for views, GPU memory in use, final loss, digest of the trained parameters) and a
 * {@code bench-detail:} line (implementation, allocator, forward/backward/update images/s,
 * RSS after each epoch). Several configurations run as child processes, one at a time in alternation, and end
 * with a table and the ratios the targets are about (see docs/benchmarks.md).
 */
public final class BenchPretrain implements Benchmark {
    static final String DATA = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    /** jemalloc as a tuned PyTorch CPU setup runs it: freed pages kept (no decay), big buffers from the arenas. */
    static final String JEMALLOC_CONF = "oversize_threshold:0,dirty_decay_ms:-1,muzzy_decay_ms:-1";
    static final Map<String, String> TUNED = Map.of("MALLOC_MMAP_MAX_", "0",
            "MALLOC_TRIM_THRESHOLD_", "68719476736", "MALLOC_TOP_PAD_", "1073741824");
    private static final List<String> OPTIONS = List.of("--method", "--width", "--batch", "--iters", "--epochs",
            "--data", "--allocator", "--reference", "--rounds", "--python", "--device", "--view-threads",
            "--checkpoints", "--image", "--profile", "--layout");

    /** Parsed command line. */
    record Options(List<String> methods, double width, int batch, int iters, int epochs, String data,
            List<String> allocators, boolean pytorch, int rounds, String python, String device, int viewThreads,
            String checkpoints, boolean cifarShaped, String profile, boolean nchw) {
        boolean single() {
            return methods.size() == 1 && allocators.isEmpty() && !pytorch && rounds == 1;
        }

        List<String> common(String method) {
            List<String> args = new ArrayList<>(List.of("--method", method, "--width", Double.toString(width),
                    "--batch", Integer.toString(batch), "--iters", Integer.toString(iters), "--epochs",
                    Integer.toString(epochs), "--data", data, "--device", device));
            if (cifarShaped) {
                args.addAll(List.of("--image", "32x32x3"));
            }
            args.addAll(List.of("--layout", nchw ? "nchw" : "nhwc"));
            if (viewThreads >= 0) {
                args.addAll(List.of("--view-threads", Integer.toString(viewThreads)));
            }
            return args;
        }
    }

    @Override
    public String name() {
        return "pretrain";
    }

    @Override
    public String description() {
        return "pretraining images/s (augmentation vs forward/backward/update) and memory per epoch; "
                + "SimCLR vs SDCLR, allocator tuning, PyTorch eager reference";
    }

    @Override
    public int run(List<String> args) throws IOException {
        Options o = parse(args);
        Path file = Path.of(o.data());
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("bench pretrain: %s not found; install it with: sudo apt-get install "
                    + "dataset-fashion-mnist (or pass --data FILE)", file);
        }
        if (o.single()) {
            System.out.println(runHere(o, o.methods().get(0)));
            return 0;
        }
        List<BenchSummary.Result> results = new ArrayList<>();
        List<String> allocators = o.allocators().isEmpty() ? List.of(currentAllocator()) : o.allocators();
        if (allocators.contains("jemalloc")) {
            jemalloc(); // missing: the error before any run
        }
        Path script = o.pytorch() ? pytorchScript(o.python()) : null;
        try {
            for (int round = 1; round <= o.rounds(); round++) {
                for (String method : o.methods()) {
                    for (String allocator : allocators) {
                        results.add(child(djlCommand(o, method), allocator, "djl " + method + " " + allocator, round));
                        if (script != null) {
                            List<String> py = new ArrayList<>(List.of(o.python(), script.toString()));
                            py.addAll(o.common(method));
                            py.addAll(List.of("--threads", Devices.torchThreads()));
                            results.add(child(py, allocator, "pytorch " + method + " " + allocator, round));
                        }
                    }
                }
            }
        } finally {
            if (script != null) {
                Files.deleteIfExists(script);
            }
        }
        System.out.print(BenchSummary.render(results));
        return 0;
    }

    static Options parse(List<String> args) {
        List<String> methods = List.of("sdclr");
        double width = 0.25;
        int batch = 256;
        int iters = 200;
        int epochs = 4;
        String data = DATA;
        List<String> allocators = List.of();
        boolean pytorch = false;
        int rounds = 1;
        String python = "/usr/bin/python3";
        String device = "auto";
        int viewThreads = -1;
        String checkpoints = null;
        boolean cifarShaped = false;
        String profile = null;
        boolean nchw = false;
        for (int i = 0; i < args.size(); i += 2) {
            String a = args.get(i);
            String v = i + 1 < args.size() ? args.get(i + 1) : null;
            if (!OPTIONS.contains(a)) {
                throw new InvalidInputException("bench pretrain: unknown option %s; expected %s", a,
                        String.join(", ", OPTIONS));
            }
            if (v == null) {
                throw new InvalidInputException("bench pretrain: %s needs a value", a);
            }
            switch (a) {
                case "--method" -> methods = list(a, v, List.of("simclr", "sdclr"));
                case "--width" -> width = number(a, v);
                case "--batch" -> batch = (int) number(a, v);
                case "--iters" -> iters = (int) number(a, v);
                case "--epochs" -> epochs = (int) number(a, v);
                case "--data" -> data = v;
                case "--allocator" -> allocators = list(a, v, List.of("tuned", "default", "jemalloc"));
                case "--reference" -> {
                    if (!v.equals("pytorch")) {
                        throw new InvalidInputException("bench pretrain: --reference %s: expected pytorch", v);
                    }
                    pytorch = true;
                }
                case "--rounds" -> rounds = (int) number(a, v);
                case "--device" -> device = list(a, v, List.of("auto", "cpu", "gpu")).get(0);
                case "--view-threads" -> viewThreads = (int) number(a, v);
                case "--checkpoints" -> checkpoints = v;
                case "--profile" -> profile = v;
                case "--layout" -> {
                    if (!v.equals("nhwc") && !v.equals("nchw")) {
                        throw new InvalidInputException("bench pretrain: --layout %s: expected nhwc (channels-last, "
                                + "as pretraining runs on CPU) or nchw; one per command", v);
                    }
                    nchw = v.equals("nchw");
                }
                case "--image" -> {
                    if (!v.equals("32x32x3") && !v.equals("28x28x1")) {
                        throw new InvalidInputException("bench pretrain: --image %s: expected 28x28x1 (the "
                                + "Fashion-MNIST images as they are) or 32x32x3 (CIFAR's shape)", v);
                    }
                    cifarShaped = v.equals("32x32x3");
                }
                default -> python = v; // --python
            }
        }
        if (viewThreads < -1 || viewThreads > 256) {
            throw new InvalidInputException("bench pretrain: --view-threads %d: expected 0 (views made on the "
                    + "training thread) to 256", viewThreads);
        }
        if (profile != null && (methods.size() > 1 || rounds > 1 || pytorch || !allocators.isEmpty())) {
            throw new InvalidInputException("bench pretrain: --profile is for one method and one round in this "
                    + "process (profile the PyTorch reference with its own --profile)");
        }
        if (checkpoints != null && (methods.size() > 1 || rounds > 1)) {
            throw new InvalidInputException("bench pretrain: --checkpoints is for one method and one round");
        }
        if (batch < 2 || iters < 1 || epochs < 1 || epochs > iters || rounds < 1) {
            throw new InvalidInputException("bench pretrain: expected --batch >= 2, 1 <= --epochs <= --iters and "
                    + "--rounds >= 1; got --batch %d --iters %d --epochs %d --rounds %d", batch, iters, epochs, rounds);
        }
        return new Options(methods, width, batch, iters, epochs, data, allocators, pytorch, rounds, python, device,
                viewThreads, checkpoints, cifarShaped, profile, nchw);
    }

    /** One configuration in this JVM: returns its {@code bench-detail:} and {@code bench:} lines. */
    static String runHere(Options o, String method) throws IOException {
        Path file = Path.of(o.data());
        // The activations' memory layout on CPU: channels-last (the product's) unless --layout nchw.
        System.setProperty(DualBranchResNet.CHANNELS_LAST_PROPERTY, Boolean.toString(!o.nchw()));
        int perEpoch = (o.iters() + o.epochs() - 1) / o.epochs();
        int available = IdxFile.readHeader(file).dims()[0];
        int n = Math.min(o.batch() * perEpoch, available / o.batch() * o.batch());
        if (n < o.batch()) {
            throw new InvalidInputException("bench pretrain: %s has %d images, fewer than one batch of %d",
                    file, available, o.batch());
        }
        List<byte[]> images = Arrays.asList(IdxFile.readImages(file, 0, n));
        long[] ids = new long[n];
        Arrays.setAll(ids, i -> i);
        int side = (int) Math.round(Math.sqrt(images.get(0).length));
        EncoderSpec spec = new EncoderSpec(method, "resnet18", o.width(), 1, side, List.of(0.2860),
                List.of(0.3530));
        if (o.cifarShaped()) {
            images = images.stream().map(img -> cifarShaped(img, side)).toList();
            spec = new EncoderSpec(method, "resnet18", o.width(), 3, 32, List.of(0.4914, 0.4822, 0.4465),
                    List.of(0.2470, 0.2435, 0.2616));
        }
        // lr 0.5 x batch / 512: the value this benchmark always trained with (speed does not depend on it).
        // With --checkpoints: one after every epoch, and a run killed in between resumes from the newest.
        PretrainConfig cfg = new PretrainConfig(spec, o.epochs(), o.batch(), 0.5 * o.batch() / 512.0, 0.2, 0.9, 1,
                1e-4, 1, o.checkpoints() == null ? 0 : 1);
        Device device = Devices.resolve(o.device());
        int viewThreads = o.viewThreads() >= 0 ? o.viewThreads() : PretrainLoop.viewThreads(device);
        List<Long> rss = new ArrayList<>();
        long[] gpuMb = {-1};
        Path dir = Files.createTempDirectory("sdclr-bench");
        if (o.profile() != null) {
            // libtorch's profiler on this (the training) thread: every op with its CPU time, as a Chrome trace.
            JniUtils.startProfile(false, true, false);
        }
        try {
            PretrainOutcome out = PretrainLoop.run(cfg, images, ids,
                    o.checkpoints() == null ? null : Path.of(o.checkpoints()), dir.resolve("enc.params"), device,
                    viewThreads, line -> {
                        System.err.println("[bench] " + line);
                        if (line.contains(" done ")) {
                            rss.add(procStatusMb("VmRSS"));
                            String gpu = "";
                            if (device.isGpu()) {
                                // The whole device's use (this process, its CUDA context and torch's cache).
                                long used = CudaUtils.getGpuMemory(device).getCommitted() >> 20;
                                gpuMb[0] = Math.max(gpuMb[0], used);
                                gpu = "; GPU memory in use " + used + " MB";
                            }
                            System.err.println("[bench] " + memory(rss.get(rss.size() - 1)) + gpu);
                        }
                    });
            if (o.profile() != null) {
                JniUtils.stopProfile(Path.of(o.profile()).toAbsolutePath().toString());
                System.err.println("[bench] profile written to " + o.profile() + "; summarise it with "
                        + "infra/bench/profile_table.py");
            }
            String deviceLine = String.format(Locale.ROOT, "bench-device: device=%s view_threads=%d "
                    + "data_wait_fraction=%.4f gpu_mem_mb=%d epochs=%d final_loss=%.6f params_sha256=%s%n",
                    device.isGpu() ? "gpu" + device.getDeviceId() : "cpu", viewThreads, out.augmentFraction(),
                    gpuMb[0], out.epochs(), out.lossPerEpoch()[out.epochs() - 1], out.paramsSha256());
            return deviceLine + BenchSummary.lines("djl", method, o.width(), o.batch(), o.epochs() * (n / o.batch()),
                    currentAllocator(), out.imagesPerSecond(), out.stepImagesPerSecond(),
                    out.steadyStepImagesPerSecond(), out.augmentFraction(),
                    procStatusMb("VmHWM"), rss);
        } finally {
            ArtifactStore.deleteTree(dir);
        }
    }

    /**
     * A Fashion-MNIST image in CIFAR's shape (3 x 32 x 32, CHW): zero-padded to 32 x 32 and copied to three
     * channels, each scaled differently so that the channels differ. Speed does not depend on the content.
     */
    static byte[] cifarShaped(byte[] gray, int side) {
        int pad = (32 - side) / 2;
        byte[] out = new byte[3 * 32 * 32];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    out[(c * 32 + y + pad) * 32 + x + pad] = (byte) ((gray[y * side + x] & 0xff) * (4 - c) / 4);
                }
            }
        }
        return out;
    }

    /** Where resident memory is: the Java heap, NIO direct buffers, and the rest (native: libtorch, malloc). */
    private static String memory(long rssMb) {
        long heapUsed = 0;
        long heapCommitted = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapUsed += pool.getUsage().getUsed();
                heapCommitted += pool.getUsage().getCommitted();
            }
        }
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return String.format(Locale.ROOT, "memory: RSS %d MB; Java heap %d MB used of %d MB committed; "
                + "direct buffers %d MB", rssMb, heapUsed >> 20, heapCommitted >> 20, direct >> 20);
    }

    /** This JVM again (same JVM options, classpath and torch threads), running one configuration. */
    private static List<String> djlCommand(Options o, String method) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sdclr.pipeline.cli.Main", "bench",
                "pretrain"));
        cmd.addAll(o.common(method));
        return cmd;
    }

    /** Runs one child with the allocator environment, its progress on our stderr, and parses its last line. */
    private static BenchSummary.Result child(List<String> cmd, String allocator, String label, int round)
            throws IOException {
        System.err.printf("[bench] round %d: %s%n", round, label);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        TUNED.keySet().forEach(env::remove);
        env.remove("LD_PRELOAD");
        env.remove("MALLOC_CONF");
        env.remove("OPENBLAS_CORETYPE");
        if (allocator.equals("tuned")) {
            env.putAll(TUNED);
        } else if (allocator.equals("jemalloc")) {
            env.put("LD_PRELOAD", jemalloc().toString());
            env.put("MALLOC_CONF", JEMALLOC_CONF);
        }
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + label, e);
        }
        if (code != 0 || out.lines().noneMatch(l -> l.startsWith("bench: "))) {
            throw new IllegalStateException(String.format("bench pretrain: the %s run failed (exit code %d)%s",
                    label, code, out.isBlank() ? "" : ":\n" + out.strip()));
        }
        out.lines().forEach(l -> System.err.println("[bench] " + l));
        return BenchSummary.Result.parse(out, round);
    }

    /** The reference script, copied out of the jar; checks that the interpreter has torch first. */
    private static Path pytorchScript(String python) throws IOException {
        Process check = new ProcessBuilder(python, "-c", "import torch, numpy").redirectErrorStream(true).start();
        try {
            if (check.waitFor() != 0) {
                throw new InvalidInputException("bench pretrain: --reference pytorch needs PyTorch for %s; on "
                        + "Debian: sudo apt-get install python3-torch libopenblas0-openmp (or pass --python PATH)",
                        python);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Path script = Files.createTempFile("sdclr-pytorch-reference", ".py");
        try (InputStream in = BenchPretrain.class.getResourceAsStream("pytorch_reference.py")) {
            if (in == null) {
                throw new IllegalStateException("pytorch_reference.py is missing from the classpath");
            }
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    static String currentAllocator() {
        try {
            if (Files.readString(Path.of("/proc/self/maps")).contains("libjemalloc")) {
                return "jemalloc";
            }
        } catch (IOException e) {
            // not Linux: glibc's tunables tell
        }
        return System.getenv("MALLOC_MMAP_MAX_") != null ? "tuned" : "default";
    }

    /** Debian's libjemalloc2, preloaded for {@code --allocator jemalloc}. */
    static Path jemalloc() {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib")) {
            Path p = Path.of(dir, "libjemalloc.so.2");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new InvalidInputException("bench pretrain: --allocator jemalloc needs libjemalloc.so.2; install it "
                + "with: sudo apt-get install libjemalloc2");
    }

    private static List<String> list(String option, String v, List<String> valid) {
        List<String> out = Arrays.stream(v.split(",")).map(String::strip).distinct().toList();
        for (String s : out) {
            if (!valid.contains(s)) {
                throw new InvalidInputException("bench pretrain: %s %s: expected one or more of %s, comma-separated",
                        option, s, String.join(", ", valid));
            }
        }
        return out;
    }

    private static double number(String option, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("bench pretrain: %s %s: expected a number", option, v);
        }
    }

    /** A size field of /proc/self/status (VmRSS now, VmHWM peak), in MB. */
    static long procStatusMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.split("\\s+")[1]) / 1024;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
