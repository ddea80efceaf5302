package io.sdclr.steps.internal.model;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.sdclr.dsl.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ImageNet ResNet-50 backbone of the ImageNet-100-LT experiments, at test scale (width 0.25, 64x64). */
class ResNet50Test {
    private static final List<Double> MEAN = List.of(0.485, 0.456, 0.406);
    private static final List<Double> STD = List.of(0.229, 0.224, 0.225);

    private static EncoderSpec spec(String method, double width) {
        return new EncoderSpec(method, "resnet50", width, 3, 64, MEAN, STD);
    }

    private static float[] images(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 3 * 64 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    /** Features in eval mode (no statistics updated), no autograd. */
    private static float[] features(DualBranchResNet net, Branch branch, float[] x) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = net.manager().newSubManager()) {
            NDArray in = m.create(x, new Shape(x.length / (3 * 64 * 64), 3, 64, 64));
            NDArray f = net.features(in, branch, false);
            assertThat(f.getShape()).isEqualTo(new Shape(in.getShape().get(0), net.spec().featureDim()));
            return f.toFloatArray();
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    @Test
    void widthOneHasTorchvisionResNet50BackboneWithoutCreatingIt() {
        ResNetLayout layout = ResNetLayout.of(spec("simclr", 1.0));
        // torchvision.models.resnet50() without fc: 23,508,032 parameters, 53 Conv2d modules (incl. 4 downsample).
        assertThat(layout.backboneParameterCount(1)).isEqualTo(23_508_032L);
        assertThat(layout.units()).hasSize(53);
        assertThat(layout.units().stream().filter(u -> u.conv().endsWith(".down.conv")).count()).isEqualTo(4);
        assertThat(spec("sdclr", 1.0).featureDim()).isEqualTo(2048);
        assertThat(spec("sdclr", 0.25).featureDim()).isEqualTo(512);
        assertThat(new EncoderSpec("sdclr", "resnet18", 1.0, 3, 32, MEAN, STD).featureDim()).isEqualTo(512);
    }

    @Test
    void followsTheOfficialImageNetLayout() {
        ResNetLayout layout = ResNetLayout.of(spec("sdclr", 1.0));
        // prune_conv2d(3, 64, kernel_size=7, stride=2, padding=3) then MaxPool2d(3, 2, 1).
        assertThat(layout.stem()).isEqualTo(new ResNetLayout.Unit("stem.conv", "stem.bn", 3, 64, 7, 2, 3));
        assertThat(layout.maxPool()).isTrue();
        assertThat(layout.blocks()).hasSize(3 + 4 + 6 + 3);
        // First block of stage 2: the stride sits on the 3x3 conv2 and on the 1x1 shortcut.
        ResNetLayout.Block b = layout.blocks().get(3);
        assertThat(b.name()).isEqualTo("layer2.0");
        assertThat(b.body()).containsExactly(
                new ResNetLayout.Unit("layer2.0.conv1", "layer2.0.bn1", 256, 128, 1, 1, 0),
                new ResNetLayout.Unit("layer2.0.conv2", "layer2.0.bn2", 128, 128, 3, 2, 1),
                new ResNetLayout.Unit("layer2.0.conv3", "layer2.0.bn3", 128, 512, 1, 1, 0)).inOrder();
        assertThat(b.down())
                .isEqualTo(new ResNetLayout.Unit("layer2.0.down.conv", "layer2.0.down.bn", 256, 512, 1, 2, 0));
        // Stage 1 keeps the resolution but widens 64 -> 256, so its first block has a stride-1 projection.
        assertThat(layout.blocks().get(0).down()).isEqualTo(
                new ResNetLayout.Unit("layer1.0.down.conv", "layer1.0.down.bn", 64, 256, 1, 1, 0));
        assertThat(layout.blocks().get(1).down()).isNull();
        // The CIFAR ResNet-18 keeps its 3x3 stem and no max-pool.
        ResNetLayout r18 = ResNetLayout.of(Specs.tiny("sdclr"));
        assertThat(r18.stem().kernel()).isEqualTo(3);
        assertThat(r18.maxPool()).isFalse();
        assertThat(r18.units()).hasSize(20);
    }

    @Test
    void rejectsUnknownArch() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new EncoderSpec("sdclr", "resnet34", 1.0, 3, 64, MEAN, STD));
        assertThat(e).hasMessageThat().contains("expected \"resnet18\" or \"resnet50\"");
    }

    @Test
    void everyConvIsMaskedAndBothBranchesRun() {
        try (DualBranchResNet net = DualBranchResNet.create(spec("sdclr", 0.25), Device.cpu(), 7L)) {
            ResNetLayout layout = ResNetLayout.of(net.spec());
            // The network is built from its layout: same conv weights, same backbone parameter count.
            List<String> expected = new ArrayList<>();
            long convTotal = 0;
            for (ResNetLayout.Unit u : layout.units()) {
                expected.add(u.conv() + ".weight");
                convTotal += u.weightCount();
                assertThat(net.parameters().get(u.conv() + ".weight").getShape())
                        .isEqualTo(new Shape(u.out(), u.in(), u.kernel(), u.kernel()));
            }
            assertThat(net.convWeightNames()).containsExactlyElementsIn(expected).inOrder();
            assertThat(net.convWeightNames()).hasSize(53);
            long backbone = net.parameters().entrySet().stream().filter(e -> !e.getKey().startsWith("head."))
                    .mapToLong(e -> e.getValue().size()).sum();
            assertThat(backbone).isEqualTo(layout.backboneParameterCount(2));
            // SDCLR head at featureDim 512: 512 -> 512 (bias) -> 512 -> 128, dual BN.
            assertThat(net.parameters().get("head.fc1.weight").getShape()).isEqualTo(new Shape(512, 512));
            assertThat(net.parameters().get("head.fc3.weight").getShape()).isEqualTo(new Shape(128, 512));
            assertThat(net.parameters()).containsKey("layer4.2.bn3.set1.gamma");
            assertThat(net.buffers()).containsKey("layer3.0.down.bn.set1.runningVar");

            float[] x = images(1, 1);
            float[] dense = features(net, Branch.DENSE, x);
            // ImageNet-100-LT pruning ratio 0.3, one global threshold over all 53 conv weights.
            PruneMask.Summary s = net.rebuildMask(0.3);
            assertThat(s.total()).isEqualTo(convTotal);
            assertThat((double) s.kept() / s.total()).isWithin(1e-4).of(0.7);
            PruneMask reference = PruneMask.global(net, 0.3);
            assertThat(s.kept()).isEqualTo(reference.kept());
            for (int i = 0; i < expected.size(); i++) {
                String name = expected.get(i);
                assertThat(net.masks().get(name).toFloatArray()).isEqualTo(reference.values()[i]);
            }
            float[] pruned = features(net, Branch.PRUNED, x);
            assertThat(pruned).isNotEqualTo(dense);
        }
    }

    @Test
    void prunedBranchTrainsOnEveryConvThroughTheMask() {
        try (DualBranchResNet net = DualBranchResNet.create(spec("sdclr", 0.25), Device.cpu(), 8L)) {
            net.rebuildMask(0.3);
            try (NDManager m = net.manager().newSubManager()) {
                JniUtils.setGradMode(true);
                try {
                    NDArray in = m.create(images(2, 2), new Shape(2, 3, 64, 64));
                    NDArray z = net.project(net.features(in, Branch.PRUNED, true), Branch.PRUNED, true);
                    assertThat(z.getShape()).isEqualTo(new Shape(2, EncoderSpec.PROJECTION_DIM));
                    // A fixed random weighting of z: with batch 2 the head's last BN makes sum(z^2) nearly constant.
                    float[] c = images(1, 9);
                    NDArray loss = z.mul(m.create(java.util.Arrays.copyOf(c, 2 * 128), z.getShape())).sum();
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
                } finally {
                    JniUtils.setGradMode(false);
                }
            }
            for (String name : net.convWeightNames()) {
                float[] mask = net.masks().get(name).toFloatArray();
                try (NDArray g = net.parameters().get(name).getGradient()) {
                    float[] grad = g.toFloatArray();
                    int nonZeroKept = 0;
                    for (int j = 0; j < grad.length; j++) {
                        if (mask[j] == 0f) {
                            assertThat(Math.abs(grad[j])).isEqualTo(0f);
                        } else if (grad[j] != 0f) {
                            nonZeroKept++;
                        }
                    }
                    assertWithMessage(name).that(nonZeroKept).isGreaterThan(0);
                }
            }
        }
    }

    @Test
    void paramsFileRoundTripReproducesFeatures(@TempDir Path dir) {
        float[] x = images(2, 3);
        Path file = dir.resolve("encoder.params");
        float[] expected;
        try (DualBranchResNet a = DualBranchResNet.create(spec("simclr", 0.25), Device.cpu(), 1L)) {
            // One training-mode pass so the running statistics differ from their initial values.
            try (NDManager m = a.manager().newSubManager()) {
                a.features(m.create(images(2, 4), new Shape(2, 3, 64, 64)), Branch.DENSE, true);
            }
            ParamsFile.write(a, file);
            expected = features(a, Branch.DENSE, x);
        }
        assertThat(Files.exists(file)).isTrue();
        try (DualBranchResNet b = DualBranchResNet.create(spec("simclr", 0.25), Device.cpu(), 2L)) {
            assertThat(features(b, Branch.DENSE, x)).isNotEqualTo(expected);
            ParamsFile.read(b, file);
            assertThat(features(b, Branch.DENSE, x)).isEqualTo(expected);
            assertThat(b.bnSets()).isEqualTo(1);
            assertThat(b.parameters().get("head.fc2.weight").getShape()).isEqualTo(new Shape(128, 512));
            assertThrows(IllegalArgumentException.class, () -> features(b, Branch.PRUNED, x));
        }
    }
}
