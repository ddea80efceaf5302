package io.sdclr.steps.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;

/**
 * The PyTorch-engine calls the model and training code need beyond DJL's engine-agnostic API, in one place: the
 * only class that imports {@code ai.djl.pytorch}. Each is the libtorch operator of the same name; arrays must be
 * PyTorch-engine arrays.
 *
 * <pre>{@code
 * boolean grad = Torch.gradMode();
 * Torch.setGradMode(false);          // eval: no autograd graph
 * NDArray y = Torch.linear(x, w, b);
 * }</pre>
 */
public final class Torch {
    private Torch() {}

    /** The directory libtorch was loaded from (the engine must be loaded). */
    public static String libtorchDir() {
        return LibUtils.getLibtorchPath();
    }

    /** libtorch's intra-op thread count ({@code at::get_num_threads}). */
    public static int intraOpThreads() {
        return JniUtils.getNumThreads();
    }

    /** libtorch's inter-op thread count ({@code at::get_num_interop_threads}). */
    public static int interOpThreads() {
        return JniUtils.getNumInteropThreads();
    }

    /** Whether autograd records operations on this thread. */
    public static boolean gradMode() {
        return JniUtils.isGradMode();
    }

    public static void setGradMode(boolean on) {
        JniUtils.setGradMode(on);
    }

    /** {@code conv2d} without bias, square stride and padding, dilation 1, groups 1. */
    public static NDArray conv2d(NDArray x, NDArray w, int stride, int pad) {
        return JniUtils.convolution((PtNDArray) x, (PtNDArray) w, null, new Shape(stride, stride),
                new Shape(pad, pad), new Shape(1, 1), 1);
    }

    /**
     * The same (N, C, H, W) values in channels-last memory (NHWC strides), as {@code x.contiguous(
     * memory_format=torch.channels_last)}: convolutions then run in oneDNN's NHWC kernels without converting
     * every activation to and from its blocked layout, and BN, ReLU and add keep the layout.
     */
    public static NDArray channelsLast(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 3, 1).reshape(-1).reshape(s.get(0), s.get(2), s.get(3), s.get(1))
                .transpose(0, 3, 1, 2);
    }

    /** {@code batch_norm}; in training mode it updates the running statistics in place. */
    public static NDArray batchNorm(NDArray x, NDArray runningMean, NDArray runningVar, NDArray gamma, NDArray beta,
            boolean training, double momentum, double eps) {
        return JniUtils.batchNorm((PtNDArray) x, (PtNDArray) runningMean, (PtNDArray) runningVar, (PtNDArray) gamma,
                (PtNDArray) beta, training, momentum, eps);
    }

    /** {@code linear}: x W^T + b. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return JniUtils.linear((PtNDArray) x, (PtNDArray) w, (PtNDArray) b);
    }

    /** {@code max_pool2d(kernel 3, stride 2, padding 1)}, the ImageNet stem's pooling. */
    public static NDArray maxPool3x3s2(NDArray x) {
        return JniUtils.maxPool((PtNDArray) x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
    }

    /** {@code F.normalize(x, p, dim, eps)}. */
    public static NDArray normalize(NDArray x, double p, long dim, double eps) {
        return JniUtils.normalize((PtNDArray) x, p, dim, eps);
    }

    /** Sets the gradient of a leaf to zero (DJL's collector does not). */
    public static void zeroGrad(NDArray w) {
        JniUtils.zeroGrad((PtNDArray) w);
    }

    /** {@code loss.backward(gradient)}. */
    public static void backward(NDArray loss, NDArray gradient) {
        JniUtils.backward((PtNDArray) loss, (PtNDArray) gradient, false, false);
    }
}
