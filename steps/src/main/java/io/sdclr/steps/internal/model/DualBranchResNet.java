package io.sdclr.steps.internal.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * CIFAR ResNet-18 or ImageNet ResNet-50 (the {@link ResNetLayout} of the spec's {@code arch}) with masked
 * convolutions and dual BatchNorm, plus the SimCLR/SDCLR projection head sized to the feature dimension
 * (SDCLR, models/resnet_prune_multibn.py). Every conv (stem, block convs, 1x1 shortcut convs) is masked on the
 * pruned branch and is part of the one global magnitude mask. Written as plain functions over named tensors
 * rather than DJL {@code Block}s: the branch (dense or pruned) is an argument of every call, so there is no
 * block state to forget and two threads can each run their own network; parameters are created from a seeded
 * {@link Random}, not the engine's shared one.
 *
 * <pre>{@code
 * try (DualBranchResNet net = DualBranchResNet.create(spec, Device.cpu(), 42L)) {
 *     net.rebuildMask(0.9); // global magnitude mask of the current dense weights
 *     NDArray z = net.project(net.features(x01, Branch.PRUNED, true), Branch.PRUNED, true);
 * }
 * }</pre>
 *
 * <p>PyTorch-engine specific: convolution, BatchNorm and linear go through {@link Torch} (libtorch operators), because
 * DJL's engine-agnostic {@code batchNorm} transposes twice for axis 1 and the API has no per-thread grad mode.
 */
public final class DualBranchResNet implements AutoCloseable {
    /** PyTorch BatchNorm defaults (momentum 0.1 in PyTorch's convention, eps 1e-5). */
    static final double BN_MOMENTUM = 0.1;
    static final double BN_EPS = 1e-5;

    private final EncoderSpec spec;
    private final ResNetLayout layout;
    private final NDManager manager;
    private final int bnSets;
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, NDArray> buffers = new LinkedHashMap<>();
    private final List<String> convWeights = new ArrayList<>();
    private final float[] mean;
    private final float[] std;
    private NDManager maskManager;
    private Map<String, NDArray> masks = Map.of();

    private DualBranchResNet(EncoderSpec spec, Device device, Random rng) {
        this.spec = spec;
        this.layout = ResNetLayout.of(spec);
        this.manager = NDManager.newBaseManager(device);
        this.manager.setName("sdclr-net");
        // SimCLR never runs a pruned branch, so it has the single BN set of models/resnet.py.
        this.bnSets = spec.isSdclr() ? 2 : 1;
        this.mean = new float[spec.channels()];
        this.std = new float[spec.channels()];
        for (int c = 0; c < spec.channels(); c++) {
            mean[c] = spec.mean().get(c).floatValue();
            std[c] = spec.std().get(c).floatValue();
        }
        build(rng);
    }

    /** A freshly initialised network; the same spec and seed always give the same parameters. */
    public static DualBranchResNet create(EncoderSpec spec, Device device, long seed) {
        OneDnnIsa.prepare(spec);
        loadEngine();
        return new DualBranchResNet(spec, device, new Random(seed));
    }

    /** Loads the PyTorch engine (and its native library) before any {@link Torch} call. */
    public static void loadEngine() {
        ai.djl.engine.Engine.getEngine("PyTorch");
    }

    public EncoderSpec spec() {
        return spec;
    }

    /** Number of BatchNorm sets: 2 for SDCLR (dense, pruned), 1 for SimCLR. */
    public int bnSets() {
        return bnSets;
    }

    /** Trainable parameters by name, in a fixed order. The arrays are live: the optimizer updates them. */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /** BatchNorm running statistics by name (both sets), in a fixed order. */
    public Map<String, NDArray> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Names of every prunable conv weight: stem, block convs and 1x1 downsample convs (not BN, not head). */
    public List<String> convWeightNames() {
        return Collections.unmodifiableList(convWeights);
    }

    /** The current prune masks (empty before {@link #setMask}). */
    public Map<String, NDArray> masks() {
        return masks;
    }

    /** The manager that owns the parameters; prune masks are created on a child of it. */
    public NDManager manager() {
        return manager;
    }

    /**
     * Replaces the prune masks used by the pruned branch: one float 0/1 array per conv weight, in the order of
     * {@link #convWeightNames()} (as {@link PruneMask#values()} gives them). The previous masks are closed.
     */
    public void setMask(float[][] maskValues) {
        NDManager next = manager.newSubManager();
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < convWeights.size(); i++) {
            String name = convWeights.get(i);
            try (NDArray staging = next.create(maskValues[i], params.get(name).getShape())) {
                m.put(name, staging.duplicate()); // torch-owned storage, see owned()
            }
        }
        if (maskManager != null) {
            maskManager.close();
        }
        maskManager = next;
        masks = Collections.unmodifiableMap(m);
    }

    /**
     * Rebuilds the prune masks from the current dense conv weights, on the weights' device: one global magnitude
     * threshold over all conv weights, k = ceil(p * N), threshold = sorted(|w|)[min(k, N - 1)], keep |w| >=
     * threshold (prune/mask.py) — the same masks as {@link PruneMask#global} computes on the Java heap, without
     * copying the weights out or the masks in. (The heap version left ~11 MB of garbage per epoch at width 0.25,
     * 176 MB at width 1, so resident memory crept up between GCs.) Every intermediate lives in a temporary
     * manager; the previous masks are closed.
     */
    public PruneMask.Summary rebuildMask(double p) {
        PruneMask.checkRatio(p);
        NDManager next = manager.newSubManager();
        Map<String, NDArray> m = new LinkedHashMap<>();
        float threshold;
        long kept = 0;
        long total = 0;
        try (NDManager tmp = manager.newSubManager()) {
            List<NDArray> abs = new ArrayList<>(convWeights.size());
            NDList mags = new NDList();
            for (String name : convWeights) {
                NDArray a = params.get(name).abs();
                a.attach(tmp); // results of ops on a parameter belong to the parameter's manager
                abs.add(a);
                NDArray flat = a.flatten();
                flat.attach(tmp);
                mags.add(flat);
                total += flat.size();
            }
            NDArray all = NDArrays.concat(mags);
            all.attach(tmp);
            NDArray sorted = all.sort();
            sorted.attach(tmp);
            long k = (long) Math.ceil(p * total); // np.ceil(p * N), in double precision
            NDArray at = sorted.get(Math.min(k, total - 1));
            at.attach(tmp);
            threshold = at.getFloat();
            for (int i = 0; i < convWeights.size(); i++) {
                String name = convWeights.get(i);
                NDArray keep = abs.get(i).gte(at);
                keep.attach(tmp);
                NDArray mask = keep.toType(DataType.FLOAT32, false);
                mask.attach(next);
                m.put(name, mask);
                NDArray count = keep.toType(DataType.INT64, false).sum();
                count.attach(tmp);
                kept += count.getLong();
            }
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        if (maskManager != null) {
            maskManager.close();
        }
        maskManager = next;
        masks = Collections.unmodifiableMap(m);
        return new PruneMask.Summary(threshold, kept, total);
    }

    /**
     * Backbone features after global average pooling, shape (N, featureDim).
     *
     * @param x01 images as float in [0, 1], shape (N, C, H, W); normalised here, inside the model
     * @param training BatchNorm uses batch statistics and updates this branch's running statistics
     */
    /**
     * Channels-last activations on CPU for encoders whose channel counts are multiples of 16;
     * {@code -Dsdclr.channelsLast=false} restores NCHW (for benchmarks).
     */
    public static final String CHANNELS_LAST_PROPERTY = "sdclr.channelsLast";

    static boolean channelsLast() {
        return !"false".equals(System.getProperty(CHANNELS_LAST_PROPERTY));
    }

    /** Whether {@link #features} runs this network's activations channels-last on {@code device}. */
    boolean usesChannelsLast(Device device) {
        return channelsLast() && !device.isGpu() && !OneDnnIsa.affects(spec);
    }

    public NDArray features(NDArray x01, Branch branch, boolean training) {
        checkBranch(branch);
        OneDnnIsa.convolutionRan();
        NDManager m = x01.getManager();
        NDArray meanArr = m.create(mean, new Shape(1, mean.length, 1, 1));
        NDArray stdArr = m.create(std, new Shape(1, std.length, 1, 1));
        NDArray x = x01.sub(meanArr).div(stdArr);
        if (usesChannelsLast(x.getDevice())) {
            // On CPU every activation then stays in NHWC: oneDNN's convolutions need no layout conversions, which
            // took 35-45% of a step in NCHW (docs/benchmarks.md). Values match NCHW to rounding, not bit for bit.
            // Only where every channel count is a multiple of 16: with fewer channels oneDNN runs capped at AVX2,
            // and its AVX2 NHWC kernels crashed the process (SIGSEGV in dnnl::impl::parallel, width 0.0625).
            x = Torch.channelsLast(x);
        }
        x = Activation.relu(convBn(x, layout.stem(), branch, training));
        if (layout.maxPool()) {
            // nn.MaxPool2d(kernel_size=3, stride=2, padding=1) after the ImageNet stem.
            x = Torch.maxPool3x3s2(x);
        }
        for (ResNetLayout.Block block : layout.blocks()) {
            x = residual(x, block, branch, training);
        }
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        return x.reshape(n, c, -1).mean(new int[] {2});
    }

    /** Projection head output, shape (N, 128). Head linears are shared by both branches and never pruned. */
    public NDArray project(NDArray features, Branch branch, boolean training) {
        checkBranch(branch);
        NDArray x = Activation.relu(bn(linear(features, "head.fc1"), "head.bn1", branch, training));
        x = bn(linear(x, "head.fc2"), "head.bn2", branch, training);
        if (spec.isSdclr()) {
            x = bn(linear(Activation.relu(x), "head.fc3"), "head.bn3", branch, training);
        }
        return x;
    }

    private void checkBranch(Branch branch) {
        if (branch.bnSet() >= bnSets) {
            throw new IllegalArgumentException("a " + spec.method() + " network has no " + branch + " branch");
        }
    }

    /**
     * A BasicBlock (conv-BN-ReLU-conv-BN) or Bottleneck (conv-BN-ReLU-conv-BN-ReLU-conv-BN), plus the identity or
     * projection shortcut, then ReLU (models/resnet_prune_multibn.py BasicBlock.forward, Bottleneck.forward).
     */
    private NDArray residual(NDArray x, ResNetLayout.Block block, Branch br, boolean training) {
        List<ResNetLayout.Unit> body = block.body();
        NDArray out = x;
        for (int i = 0; i < body.size(); i++) {
            out = convBn(out, body.get(i), br, training);
            if (i < body.size() - 1) {
                out = Activation.relu(out);
            }
        }
        NDArray identity = block.down() != null ? convBn(x, block.down(), br, training) : x;
        return Activation.relu(out.add(identity));
    }

    private NDArray convBn(NDArray x, ResNetLayout.Unit u, Branch br, boolean training) {
        return bn(conv(x, u.conv(), u.stride(), u.pad(), br), u.bn(), br, training);
    }

    private NDArray conv(NDArray x, String name, int stride, int pad, Branch branch) {
        NDArray w = params.get(name + ".weight");
        if (branch.masked()) {
            NDArray mask = masks.get(name + ".weight");
            if (mask == null) {
                throw new IllegalStateException(branch + " branch run before setMask or rebuildMask");
            }
            // weight * mask inside the autograd graph (SDCLR, models/resnet_prune.py prune_conv2d). The product
            // would belong to the parameter's manager and leak once per step; it belongs to this iteration.
            w = w.mul(mask);
            w.attach(x.getManager());
        }
        return Torch.conv2d(x, w, stride, pad);
    }

    private NDArray bn(NDArray x, String name, Branch branch, boolean training) {
        String s = name + ".set" + branch.bnSet();
        return Torch.batchNorm(x, buffers.get(s + ".runningMean"), buffers.get(s + ".runningVar"),
                params.get(s + ".gamma"), params.get(s + ".beta"), training, BN_MOMENTUM, BN_EPS);
    }

    private NDArray linear(NDArray x, String name) {
        return Torch.linear(x, params.get(name + ".weight"), params.get(name + ".bias"));
    }

    // ---- construction, in a fixed order so that the seed alone decides every value ----

    private void build(Random rng) {
        // Stem, then per block its convs in order and its shortcut, each conv followed by its BN: for ResNet-18
        // exactly the order (and so the random draws) this network has always had, which the recorded digests
        // depend on. No zero-init of the last BN of a block (zero_init_residual=False in the official models).
        for (ResNetLayout.Unit u : layout.units()) {
            addConv(rng, u.conv(), u.out(), u.in(), u.kernel());
            addBn(u.bn(), u.out());
        }
        int f = spec.featureDim();
        int proj = EncoderSpec.PROJECTION_DIM;
        addLinear(rng, "head.fc1", f, f, true);
        addBn("head.bn1", f);
        if (spec.isSdclr()) {
            addLinear(rng, "head.fc2", f, f, false);
            addBn("head.bn2", f);
            addLinear(rng, "head.fc3", proj, f, false);
            addBn("head.bn3", proj);
        } else {
            addLinear(rng, "head.fc2", proj, f, false);
            addBn("head.bn2", proj);
        }
    }

    private void addConv(Random rng, String name, int out, int in, int k) {
        // Kaiming normal, mode fan_out, ReLU gain (models/resnet_prune_multibn.py ResNet.__init__).
        double sd = Math.sqrt(2.0 / (out * k * k));
        float[] w = new float[out * in * k * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextGaussian() * sd);
        }
        String key = name + ".weight";
        addParam(key, w, new Shape(out, in, k, k));
        convWeights.add(key);
    }

    private void addLinear(Random rng, String name, int out, int in, boolean bias) {
        // PyTorch nn.Linear default: kaiming_uniform(a=sqrt(5)) == U(-1/sqrt(fan_in), 1/sqrt(fan_in)); same bias.
        double bound = 1.0 / Math.sqrt(in);
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        addParam(name + ".weight", w, new Shape(out, in));
        if (bias) {
            float[] b = new float[out];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            addParam(name + ".bias", b, new Shape(out));
        }
    }

    private void addBn(String name, int c) {
        float[] ones = new float[c];
        java.util.Arrays.fill(ones, 1f);
        for (int s = 0; s < bnSets; s++) {
            String p = name + ".set" + s;
            addParam(p + ".gamma", ones, new Shape(c));
            addParam(p + ".beta", new float[c], new Shape(c));
            buffers.put(p + ".runningMean", owned(new float[c], new Shape(c)));
            buffers.put(p + ".runningVar", owned(ones, new Shape(c)));
        }
    }

    private void addParam(String name, float[] values, Shape shape) {
        NDArray a = owned(values, shape);
        a.setName(name);
        a.setRequiresGradient(true);
        params.put(name, a);
    }

    /**
     * A copy of {@code values} in memory that libtorch allocated. On CPU, {@code create} wraps a Java direct
     * buffer (from_blob, 16-byte aligned at best); long-lived tensors get torch's own 64-byte-aligned storage so
     * that kernels take the same code path in every run and nothing depends on the Java buffer's lifetime.
     */
    private NDArray owned(float[] values, Shape shape) {
        try (NDArray staging = manager.create(values, shape)) {
            return staging.duplicate();
        }
    }

    @Override
    public void close() {
        if (maskManager != null) {
            maskManager.close();
        }
        manager.close();
    }
}
