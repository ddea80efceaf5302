package io.sdclr.steps.internal.model;

import io.sdclr.steps.internal.model.Torch;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.InputFiles;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.internal.model.Branch;
import io.sdclr.steps.internal.model.Devices;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.ParamsFile;
import java.nio.file.Path;
import java.util.List;

/**
 * A pretrained backbone for feature extraction: the dense network with BN set 0 in eval mode, projection head
 * dropped (SDCLR, train_cifar.py: linear probe on frozen features). Thread-confined: one per thread or DoFn.
 *
 * <pre>{@code
 * try (FrozenEncoder enc = FrozenEncoder.load(paramsFile, spec, Device.cpu())) {
 *     float[][] features = enc.embed(images); // images: uint8 CHW
 * }
 * }</pre>
 */
public final class FrozenEncoder implements AutoCloseable {
    /** Images per forward pass; bounds memory, does not change any value. */
    static final int CHUNK = 256;

    private final DualBranchResNet net;

    private FrozenEncoder(DualBranchResNet net) {
        this.net = net;
    }

    /** Rebuilds the network from {@code spec} and loads {@code paramsFile} (written by pretraining) into it. */
    public static FrozenEncoder load(Path paramsFile, EncoderSpec spec, Device device) {
        DualBranchResNet net = DualBranchResNet.create(spec, device, 0L);
        try {
            ParamsFile.read(net, paramsFile);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return new FrozenEncoder(net);
    }

    /** As {@link #load(Path, EncoderSpec, Device)}, after checking the file's SHA-256 against the expected one. */
    public static FrozenEncoder load(Path paramsFile, EncoderSpec spec, Device device, String expectedSha256) {
        String actual = ParamsFile.sha256(paramsFile);
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new InvalidInputException("%s has SHA-256 %s, expected %s (the encoder record's paramsSha256)",
                    paramsFile, actual, expectedSha256);
        }
        return load(paramsFile, spec, device);
    }

    /**
     * The encoder of an {@code Encoder} artifact: its record gives the architecture and the parameter
     * file, whose SHA-256 is checked before loading. {@code device} is a {@link Devices#resolve} preference.
     */
    public static FrozenEncoder fromArtifact(Encoder e, InputFiles files, String device) {
        return load(files.path(e.getParamsFile()), specOf(e), Devices.resolve(device), e.getParamsSha256());
    }

    /** The architecture and input format an encoder record describes. */
    public static EncoderSpec specOf(Encoder e) {
        return new EncoderSpec(EncoderSpec.methodName(e.getMethod()), e.getArch(), e.getWidth(), e.getChannels(),
                e.getImageSize(), e.getMean(), e.getStd());
    }

    /** The architecture and input format the encoder was built from. */
    public EncoderSpec spec() {
        return net.spec();
    }

    public int featureDim() {
        return net.spec().featureDim();
    }

    /** Number of BatchNorm sets: 2 for SDCLR (dense, pruned), 1 for SimCLR. */
    public int bnSets() {
        return net.bnSets();
    }

    /**
     * Builds the prune mask of the loaded (trained) dense conv weights at ratio {@code p}: one global magnitude
     * threshold over all conv weights, exactly the mask pretraining builds at the start of an epoch
     * ({@link DualBranchResNet#rebuildMask}). The masked branches ({@link Branch#PRUNED},
     * {@link Branch#PRUNED_DENSE_BN}) of {@link #embed(List, Branch)} use it; the dense features do not change.
     */
    public PruneMask.Summary prune(double p) {
        DualBranchResNet.loadEngine();
        boolean prevGrad = Torch.gradMode();
        Torch.setGradMode(false);
        try {
            return net.rebuildMask(p);
        } finally {
            Torch.setGradMode(prevGrad);
        }
    }

    /** Backbone features (after global average pool), dense BN set, eval mode, projection head dropped. */
    public float[][] embed(List<byte[]> images) {
        return embed(images, Branch.DENSE);
    }

    /**
     * Backbone features of {@code branch} in eval mode, projection head dropped. A masked branch needs
     * {@link #prune} first; {@link Branch#PRUNED} needs an SDCLR encoder (the only one with a pruned BN set).
     */
    public float[][] embed(List<byte[]> images, Branch branch) {
        EncoderSpec spec = net.spec();
        int pixels = spec.pixels();
        int dim = featureDim();
        float[][] out = new float[images.size()][];
        DualBranchResNet.loadEngine();
        boolean prevGrad = Torch.gradMode();
        Torch.setGradMode(false);
        try {
            for (int from = 0; from < images.size(); from += CHUNK) {
                int k = Math.min(CHUNK, images.size() - from);
                float[] x = new float[k * pixels];
                for (int i = 0; i < k; i++) {
                    byte[] img = images.get(from + i);
                    if (img.length != pixels) {
                        throw new InvalidInputException("image %d has %d bytes, expected %d = %d x %d x %d",
                                from + i, img.length, pixels, spec.channels(), spec.imageSize(), spec.imageSize());
                    }
                    for (int j = 0; j < pixels; j++) {
                        x[i * pixels + j] = (img[j] & 0xFF) / 255f;
                    }
                }
                try (NDManager m = net.manager().newSubManager()) {
                    NDArray in = m.create(x, new Shape(k, spec.channels(), spec.imageSize(), spec.imageSize()));
                    float[] f = net.features(in, branch, false).toFloatArray();
                    for (int i = 0; i < k; i++) {
                        out[from + i] = java.util.Arrays.copyOfRange(f, i * dim, (i + 1) * dim);
                    }
                }
            }
        } finally {
            Torch.setGradMode(prevGrad);
        }
        return out;
    }

    @Override
    public void close() {
        net.close();
    }
}
