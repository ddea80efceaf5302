package io.sdclr.steps.internal.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.engine.StandardCapabilities;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which libtorch this JVM computes with (version, flavour, directory) and which devices DJL sees, or why it sees no
 * GPU: said at the start of {@code run} and {@code bench}, in full by {@code doctor}, and in {@code --device gpu}'s
 * refusal.
 *
 * <pre>{@code
 * TorchRuntime rt = TorchRuntime.probe();      // loads the engine, once per JVM
 * rt.summary("auto");  // libtorch 2.7.1 (cpu, DIR) · devices: cpu — no GPU visible (no NVIDIA driver ...); using CPU
 * rt.problem("gpu");   // Optional[--device gpu: no GPU visible to DJL (...). A GPU run needs ...]
 * }</pre>
 *
 * <p>DJL counts GPUs with the CUDA runtime library ({@code CudaUtils}, through JNA), and only when libtorch was built
 * with CUDA ({@code Engine.getGpuCount}); the reasons below follow those two checks, plus the driver's
 * {@code /proc} entry, which says whether there is an NVIDIA GPU at all.
 *
 * @param djlVersion DJL's version
 * @param libtorchVersion libtorch's version ({@code null} when it did not load)
 * @param flavour {@code cpu}, {@code cu128}, ... (see {@link #flavourOf})
 * @param libtorchDir the directory libtorch was loaded from
 * @param loadError why the engine did not load; {@code null} when it did
 * @param cudaBuild libtorch was built with CUDA
 * @param gpus the GPUs the CUDA runtime sees (usable only with a CUDA build)
 * @param cudaRuntime the CUDA runtime's version, e.g. {@code 12.8}; {@code null} when DJL cannot load it
 * @param noGpuReasons why no GPU is usable; empty when one is
 * @param intraOpThreads libtorch's intra-op threads
 * @param interOpThreads libtorch's inter-op threads
 */
public record TorchRuntime(String djlVersion, String libtorchVersion, String flavour, String libtorchDir,
        String loadError, boolean cudaBuild, List<Gpu> gpus, String cudaRuntime, List<String> noGpuReasons,
        int intraOpThreads, int interOpThreads) {

    /** A GPU as the CUDA runtime sees it; {@code name} is {@code null} when it cannot be told, memory -1 likewise. */
    public record Gpu(int id, String name, long memoryBytes, String computeCapability) {
        String describe() {
            List<String> facts = new ArrayList<>();
            if (memoryBytes >= 0) {
                facts.add(String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (double) (1L << 30)));
            }
            if (computeCapability != null) {
                facts.add("compute " + computeCapability);
            }
            return "gpu" + id + (name == null ? "" : " " + name) + (facts.isEmpty() ? "" : " (" + String.join(", ",
                    facts) + ")");
        }
    }

    /** The libtorch the routes below give; DJL 0.36's JNI exists for this version only. */
    public static final String LIBTORCH = "2.7.1";

    /**
     * DJL's cache folder for a libtorch: VERSION-FLAVOUR-CLASSIFIER, where the version of a bundled jar carries its
     * build date: {@code 2.7.1-cpu-linux-x86_64}, {@code 2.7.1-20250812-cpu-linux-x86_64}.
     */
    private static final Pattern CACHE_DIR =
            Pattern.compile("\\d+\\.\\d+\\.\\d+(?:-\\d+)?-((?:cpu|cu\\d+)(?:-precxx11)?)-(?:linux|osx|win)-[a-z0-9_]+");

    private static final Path NVIDIA_PROC = Path.of("/proc/driver/nvidia");

    private static TorchRuntime probed;

    /** Loads the engine (once per JVM) and says what it found; never throws: a failure to load is part of it. */
    public static synchronized TorchRuntime probe() {
        if (probed == null) {
            probed = inspect();
        }
        return probed;
    }

    public boolean loaded() {
        return loadError == null;
    }

    /** A GPU DJL can compute on: a CUDA build of libtorch and a GPU the CUDA runtime sees. */
    public boolean gpuUsable() {
        return loaded() && cudaBuild && !gpus.isEmpty();
    }

    /**
     * One line: the library, where it came from, the devices, and which one {@code device} ({@code auto}, {@code
     * cpu}, {@code gpu}) uses. {@code auto} without a GPU says why and that it uses the CPU.
     */
    public String summary(String device) {
        if (!loaded()) {
            return "libtorch did not load: " + loadError;
        }
        String head = "libtorch " + libtorchVersion + " (" + flavour + ", " + libtorchDir + ") · devices: ";
        if (gpuUsable()) {
            return head + gpuList() + ("cpu".equals(device) ? "; using CPU (--device cpu)" : "; using gpu0");
        }
        String why = String.join("; ", noGpuReasons);
        return head + "cpu — " + ("auto".equals(device) ? "no GPU visible (" + why + "); using CPU" : "no GPU: " + why);
    }

    /** Why {@code device} cannot be used here, as one message with the fix; empty when it can. */
    public Optional<String> problem(String device) {
        if (!loaded()) {
            return Optional.of(loadFailure());
        }
        if ("gpu".equals(device) && !gpuUsable()) {
            return Optional.of(gpuMissing());
        }
        return Optional.empty();
    }

    /** {@code --device gpu} without a usable GPU: what is missing and the two ways to a CUDA libtorch. */
    public String gpuMissing() {
        return "--device gpu: no GPU visible to DJL (" + String.join("; ", noGpuReasons) + "). " + ROUTES;
    }

    /** The engine did not load: the error and the three ways DJL gets a libtorch it can load. */
    public String loadFailure() {
        return "libtorch did not load: " + loadError + ". DJL gets libtorch " + LIBTORCH + " one of three ways: the "
                + "default build's pytorch-native-cpu jar (rebuild: mvn -B -DskipTests package); the -Dgpu build's "
                + "download at first use from publish.djl.ai into " + Utils.getEngineCacheDir("pytorch") + " (this "
                + "machine must reach it, or that folder be copied from one that did); or PYTORCH_LIBRARY_PATH=DIR (now "
                + Optional.ofNullable(Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH")).orElse("unset")
                + ") holding libtorch.so " + LIBTORCH + ", with PYTORCH_VERSION=" + LIBTORCH + " and PYTORCH_FLAVOR=cpu "
                + "or cu128 as it was built. See the README's GPU section.";
    }

    private static final String ROUTES = "A GPU run needs an NVIDIA driver and a CUDA build of libtorch " + LIBTORCH
            + ", by either route: build with 'mvn -B -DskipTests -Dgpu package' (no natives jar: DJL downloads "
            + "libtorch " + LIBTORCH + " for PYTORCH_FLAVOR, default cu128, into DJL_CACHE_DIR at first use), or use "
            + "one on this machine with PYTORCH_LIBRARY_PATH=DIR (the folder holding libtorch.so, e.g. a pip torch "
            + LIBTORCH + "+cu128's torch/lib) PYTORCH_VERSION=" + LIBTORCH + " PYTORCH_FLAVOR=cu128. See the README's "
            + "GPU section; ./sdclr doctor --device gpu checks the result.";

    /** Doctor's lines, label to text. */
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("djl", djlVersion + " (PyTorch engine)");
        if (!loaded()) {
            d.put("libtorch", "did not load: " + loadError);
            return d;
        }
        d.put("libtorch", libtorchVersion + ", " + flavour + (cudaBuild ? " (CUDA build)" : "") + ", " + libtorchDir);
        d.put("gpus", gpuUsable() ? gpuList() : "none usable: " + String.join("; ", noGpuReasons)
                + (gpus.isEmpty() ? "" : " (the CUDA runtime sees " + gpuList() + ")"));
        String intraSet = System.getProperty("ai.djl.pytorch.num_threads");
        String interSet = System.getProperty("ai.djl.pytorch.num_interop_threads");
        d.put("threads", "torch intra-op " + intraOpThreads + (intraSet == null ? " (libtorch's default)"
                : " (-Dai.djl.pytorch.num_threads)") + ", inter-op " + interOpThreads + (interSet == null
                ? " (libtorch's default)" : " (-Dai.djl.pytorch.num_interop_threads)") + ", JVM processors "
                + Runtime.getRuntime().availableProcessors());
        return d;
    }

    private String gpuList() {
        List<String> each = gpus.stream().map(Gpu::describe).toList();
        return String.join(", ", each) + (cudaRuntime == null ? "" : "; CUDA " + cudaRuntime);
    }

    /**
     * The flavour of the libtorch in {@code dir}: from DJL's cache folder name ({@code 2.7.1-cu128-linux-x86_64}:
     * what DJL actually extracted or downloaded, whatever PYTORCH_FLAVOR says), else PYTORCH_FLAVOR (a libtorch of
     * one's own, where the variable picks DJL's JNI), else {@code cuda} when {@code libtorch_cuda.so} is there, else
     * {@code cpu}.
     */
    static String flavourOf(String pytorchFlavor, Path dir) {
        Path name = dir.getFileName();
        if (name != null) {
            Matcher m = CACHE_DIR.matcher(name.toString());
            if (m.matches()) {
                return m.group(1);
            }
        }
        if (pytorchFlavor != null && !pytorchFlavor.isBlank()) {
            return pytorchFlavor.trim();
        }
        return Files.exists(dir.resolve("libtorch_cuda.so")) ? "cuda" : "cpu";
    }

    private static TorchRuntime inspect() {
        String djl = Engine.getDjlVersion();
        Engine engine;
        try {
            engine = Engine.getInstance();
        } catch (RuntimeException | LinkageError e) {
            return new TorchRuntime(djl, null, null, null, causes(e), false, List.of(), null, List.of(), 0, 0);
        }
        String dir = Torch.libtorchDir();
        boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
        String runtime = cudaRuntimeVersion();
        List<Gpu> gpus = runtime == null ? List.of() : visibleGpus();
        List<String> why = new ArrayList<>();
        if (!cuda || gpus.isEmpty()) {
            if (!Files.exists(NVIDIA_PROC.resolve("version"))) {
                why.add("no NVIDIA driver: " + NVIDIA_PROC.resolve("version") + " is absent");
            } else if (runtime == null) {
                why.add("DJL cannot load the CUDA runtime, which it counts GPUs with: put the folder holding "
                        + "libcudart.so on LD_LIBRARY_PATH (or pass -Djna.library.path=DIR for a libcudart.so.12)");
            } else if (gpus.isEmpty()) {
                String visible = System.getenv("CUDA_VISIBLE_DEVICES");
                why.add("the CUDA runtime " + runtime + " sees no device"
                        + (visible == null ? "" : " (CUDA_VISIBLE_DEVICES=" + visible + ")"));
            }
            if (!cuda) {
                why.add("this libtorch is a CPU build");
            }
        }
        return new TorchRuntime(djl, engine.getVersion(),
                flavourOf(Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR"), Path.of(dir)), dir, null, cuda,
                List.copyOf(gpus), runtime, List.copyOf(why), Torch.intraOpThreads(), Torch.interOpThreads());
    }

    /** The CUDA runtime's version as DJL sees it ({@code 12.8}), or null when DJL cannot load libcudart. */
    private static String cudaRuntimeVersion() {
        try {
            int v = CudaUtils.getCudaVersion(); // 12080 for 12.8
            return (v / 1000) + "." + (v % 1000) / 10;
        } catch (IllegalStateException | EngineException e) {
            // "No cuda library is loaded." (or a runtime that fails its first call) is the answer asked for here.
            return null;
        }
    }

    private static List<Gpu> visibleGpus() {
        int n = CudaUtils.getGpuCount();
        String name = modelName();
        List<Gpu> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long memory;
            String cc;
            try {
                memory = CudaUtils.getGpuMemory(Device.gpu(i)).getMax();
            } catch (EngineException e) {
                memory = -1; // a GPU busy or in an exclusive mode: the rest is still worth saying
            }
            try {
                String raw = CudaUtils.getComputeCapability(i); // "90"
                cc = raw.substring(0, raw.length() - 1) + "." + raw.charAt(raw.length() - 1);
            } catch (EngineException e) {
                cc = null;
            }
            out.add(new Gpu(i, name, memory, cc));
        }
        return out;
    }

    /**
     * The GPU model from the driver's {@code /proc} entries when every GPU there is the same model (DJL has no
     * name query, and the driver's order need not be CUDA's); null otherwise.
     */
    private static String modelName() {
        Path dir = NVIDIA_PROC.resolve("gpus");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Set<String> models = new LinkedHashSet<>();
        try (Stream<Path> gpus = Files.list(dir)) {
            for (Path g : gpus.toList()) {
                for (String line : Files.readAllLines(g.resolve("information"))) {
                    if (line.startsWith("Model:")) {
                        models.add(line.substring("Model:".length()).trim());
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return null; // the name is a nicety: the GPU is said without it
        }
        return models.size() == 1 ? models.iterator().next() : null;
    }

    /** The messages of an exception and its causes, without repeats. */
    private static String causes(Throwable e) {
        // The first message is DJL's own sentence; a cause's is often terse ("publish.djl.ai" for an unknown host).
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().strip();
            parts.add(t == e && !m.isEmpty() ? m : t.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m));
        }
        return String.join(": ", parts);
    }
}
