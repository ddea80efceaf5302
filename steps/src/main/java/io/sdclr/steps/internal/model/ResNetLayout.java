package io.sdclr.steps.internal.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The convolutional layout of an encoder's backbone, from its {@link EncoderSpec} alone: the stem, then every
 * residual block with its convolutions in order. {@link DualBranchResNet} creates its parameters and runs its
 * forward pass from this one description, so the two cannot disagree; tests count parameters from it without
 * allocating anything.
 *
 * <pre>{@code
 * ResNetLayout layout = ResNetLayout.of(spec);
 * long convs = layout.units().size();             // 53 for ResNet-50
 * long n = layout.backboneParameterCount(1);      // conv weights + one BN set's gamma and beta
 * }</pre>
 *
 * <ul>
 *   <li>{@code resnet18}: CIFAR stem (3x3, stride 1, pad 1, no max-pool), BasicBlocks [2,2,2,2], stride on the
 *       first 3x3 conv of a stage (SDCLR, models/resnet_prune_multibn.py, {@code imagenet=False}).
 *   <li>{@code resnet50}: ImageNet stem (7x7, stride 2, pad 3, then 3x3 max-pool stride 2 pad 1), Bottlenecks
 *       [3,4,6,3] of 1x1, 3x3, 1x1 convs with expansion 4 and the stride on the 3x3 conv (conv2), a 1x1
 *       projection shortcut wherever shape changes (also the first block of stage 1, 64 to 256 channels)
 *       (SDCLR, models/resnet_prune_multibn.py {@code Bottleneck}, {@code _make_layer}, {@code imagenet=True}).
 * </ul>
 *
 * @param stem the first conv (and its BN)
 * @param maxPool whether a 3x3/2 max-pool follows the stem (ImageNet stem)
 * @param blocks residual blocks in forward order
 */
record ResNetLayout(Unit stem, boolean maxPool, List<Block> blocks) {

    /**
     * One bias-free convolution followed by BatchNorm: the parameter {@code conv + ".weight"} of shape (out, in,
     * kernel, kernel) and the BN named {@code bn} over {@code out} channels.
     */
    record Unit(String conv, String bn, int in, int out, int kernel, int stride, int pad) {
        long weightCount() {
            return (long) out * in * kernel * kernel;
        }
    }

    /**
     * A residual block: {@code body} convs, each followed by BN and (all but the last) ReLU; the shortcut is the
     * input itself or, when {@code down} is not null, a strided 1x1 conv + BN; ReLU after the sum.
     */
    record Block(String name, List<Unit> body, Unit down) {
        Block {
            body = List.copyOf(body);
        }
    }

    ResNetLayout {
        blocks = List.copyOf(blocks);
    }

    /** The layout of {@code spec.arch()} at {@code spec.width()} for {@code spec.channels()} input channels. */
    static ResNetLayout of(EncoderSpec spec) {
        int c0 = spec.stageWidth(0);
        List<Block> blocks = new ArrayList<>();
        switch (spec.arch()) {
            case "resnet18" -> {
                Unit stem = new Unit("stem.conv", "stem.bn", spec.channels(), c0, 3, 1, 1);
                int in = c0;
                for (int s = 0; s < 4; s++) {
                    int out = spec.stageWidth(s);
                    for (int b = 0; b < 2; b++) {
                        int stride = (s > 0 && b == 0) ? 2 : 1;
                        String p = "layer" + (s + 1) + "." + b;
                        List<Unit> body = List.of(
                                new Unit(p + ".conv1", p + ".bn1", in, out, 3, stride, 1),
                                new Unit(p + ".conv2", p + ".bn2", out, out, 3, 1, 1));
                        blocks.add(new Block(p, body, shortcut(p, in, out, stride)));
                        in = out;
                    }
                }
                return new ResNetLayout(stem, false, blocks);
            }
            case "resnet50" -> {
                // conv1 = prune_conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False) + MaxPool2d(3, 2, 1).
                Unit stem = new Unit("stem.conv", "stem.bn", spec.channels(), c0, 7, 2, 3);
                int[] depth = {3, 4, 6, 3};
                int in = c0;
                for (int s = 0; s < 4; s++) {
                    int planes = spec.stageWidth(s); // Bottleneck width = planes (groups 1, base_width 64)
                    int out = planes * EncoderSpec.BOTTLENECK_EXPANSION;
                    for (int b = 0; b < depth[s]; b++) {
                        int stride = (s > 0 && b == 0) ? 2 : 1;
                        String p = "layer" + (s + 1) + "." + b;
                        // "Both self.conv2 and self.downsample layers downsample the input when stride != 1."
                        List<Unit> body = List.of(
                                new Unit(p + ".conv1", p + ".bn1", in, planes, 1, 1, 0),
                                new Unit(p + ".conv2", p + ".bn2", planes, planes, 3, stride, 1),
                                new Unit(p + ".conv3", p + ".bn3", planes, out, 1, 1, 0));
                        blocks.add(new Block(p, body, shortcut(p, in, out, stride)));
                        in = out;
                    }
                }
                return new ResNetLayout(stem, true, blocks);
            }
            default -> throw new IllegalArgumentException("no layout for arch " + spec.arch());
        }
    }

    /** The 1x1 projection shortcut when stride or channels change, else null (identity). */
    private static Unit shortcut(String p, int in, int out, int stride) {
        return (stride != 1 || in != out) ? new Unit(p + ".down.conv", p + ".down.bn", in, out, 1, stride, 0) : null;
    }

    /** Every conv of the backbone in creation order: stem, then per block its body convs and its shortcut. */
    List<Unit> units() {
        List<Unit> all = new ArrayList<>();
        all.add(stem);
        for (Block b : blocks) {
            all.addAll(b.body());
            if (b.down() != null) {
                all.add(b.down());
            }
        }
        return all;
    }

    /** Trainable backbone parameters: every conv weight plus gamma and beta of each of {@code bnSets} BN sets. */
    long backboneParameterCount(int bnSets) {
        long n = 0;
        for (Unit u : units()) {
            n += u.weightCount() + 2L * bnSets * u.out();
        }
        return n;
    }
}
