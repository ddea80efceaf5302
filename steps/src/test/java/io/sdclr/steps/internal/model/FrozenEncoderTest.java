package io.sdclr.steps.internal.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.internal.model.DualBranchResNet;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.model.ParamsFile;
import io.sdclr.steps.internal.model.Specs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrozenEncoderTest {
    @TempDir Path tmp;

    private static List<byte[]> images(int n) {
        Random r = new Random(2);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[64];
            r.nextBytes(b);
            out.add(b);
        }
        return out;
    }

    @Test
    void reloadGivesBitIdenticalFeatures() {
        EncoderSpec spec = Specs.tiny("sdclr");
        Path params = tmp.resolve("enc.params");
        String sha;
        try (DualBranchResNet net = DualBranchResNet.create(spec, Device.cpu(), 77L)) {
            sha = ParamsFile.write(net, params);
        }
        List<byte[]> images = images(5);
        float[][] a;
        float[][] b;
        try (FrozenEncoder enc = FrozenEncoder.load(params, spec, Device.cpu())) {
            assertThat(enc.featureDim()).isEqualTo(128);
            a = enc.embed(images);
        }
        try (FrozenEncoder enc = FrozenEncoder.load(params, spec, Device.cpu(), sha)) {
            b = enc.embed(images);
        }
        assertThat(a.length).isEqualTo(5);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).hasLength(128);
            assertThat(a[i]).isEqualTo(b[i]);
        }
        assertThat(a[0]).isNotEqualTo(a[1]);
        // Written again from the loaded values, the file is byte-identical.
        try (DualBranchResNet net = DualBranchResNet.create(spec, Device.cpu(), 1L)) {
            ParamsFile.read(net, params);
            assertThat(ParamsFile.write(net, tmp.resolve("again.params"))).isEqualTo(sha);
        }
    }

    @Test
    void wrongDigestOrSpecIsBadInput() {
        EncoderSpec spec = Specs.tiny("simclr");
        Path params = tmp.resolve("enc.params");
        try (DualBranchResNet net = DualBranchResNet.create(spec, Device.cpu(), 1L)) {
            ParamsFile.write(net, params);
        }
        InvalidInputException digest = assertThrows(InvalidInputException.class,
                () -> FrozenEncoder.load(params, spec, Device.cpu(), "00ff"));
        assertThat(digest).hasMessageThat().contains("expected 00ff");
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> FrozenEncoder.load(params, Specs.tiny("sdclr"), Device.cpu()));
        assertThat(other).hasMessageThat().contains("was written for");
    }

    /** An SDCLR network whose pruned-branch BN set differs from the dense one (running variance x4), written out. */
    private Path sdclrWithDistinctBnSets() {
        Path params = tmp.resolve("sdclr.params");
        try (DualBranchResNet net = DualBranchResNet.create(Specs.tiny("sdclr"), Device.cpu(), 21L)) {
            for (var e : net.buffers().entrySet()) {
                if (e.getKey().endsWith(".set1.runningVar")) {
                    e.getValue().muli(4f);
                }
            }
            ParamsFile.write(net, params);
        }
        return params;
    }

    @Test
    void nothingPrunedWithTheDenseBnSetIsTheDenseNetworkAndThePrunedSetIsAnotherOne() {
        List<byte[]> images = images(6);
        try (FrozenEncoder enc = FrozenEncoder.load(sdclrWithDistinctBnSets(), Specs.tiny("sdclr"), Device.cpu())) {
            assertThat(enc.bnSets()).isEqualTo(2);
            float[][] dense = enc.embed(images);
            PruneMask.Summary all = enc.prune(0);
            assertThat(all.kept()).isEqualTo(all.total());
            float[][] maskedDenseBn = enc.embed(images, Branch.PRUNED_DENSE_BN);
            float[][] maskedPrunedBn = enc.embed(images, Branch.PRUNED);
            for (int i = 0; i < images.size(); i++) {
                assertThat(maskedDenseBn[i]).isEqualTo(dense[i]);
                assertThat(maskedPrunedBn[i]).isNotEqualTo(dense[i]);
            }
            // The dense features do not change once a mask is built.
            enc.prune(0.9);
            float[][] pruned = enc.embed(images, Branch.PRUNED_DENSE_BN);
            float[][] denseAgain = enc.embed(images);
            for (int i = 0; i < images.size(); i++) {
                assertThat(denseAgain[i]).isEqualTo(dense[i]);
                assertThat(pruned[i]).isNotEqualTo(dense[i]);
            }
        }
    }

    @Test
    void pruneBuildsTheTrainingMaskOfTheLoadedWeights() {
        Path params = sdclrWithDistinctBnSets();
        PruneMask expected;
        try (DualBranchResNet net = DualBranchResNet.create(Specs.tiny("sdclr"), Device.cpu(), 0L)) {
            ParamsFile.read(net, params);
            expected = PruneMask.global(net, 0.9);
        }
        try (FrozenEncoder enc = FrozenEncoder.load(params, Specs.tiny("sdclr"), Device.cpu())) {
            PruneMask.Summary s = enc.prune(0.9);
            assertThat(s.kept()).isEqualTo(expected.kept());
            assertThat(s.total()).isEqualTo(expected.total());
            assertThat(s.threshold()).isEqualTo(expected.threshold());
        }
    }

    @Test
    void maskedBranchesNeedAMaskAndThePrunedBnSetAnSdclrEncoder() {
        List<byte[]> images = images(2);
        try (FrozenEncoder enc = FrozenEncoder.load(sdclrWithDistinctBnSets(), Specs.tiny("sdclr"), Device.cpu())) {
            IllegalStateException noMask = assertThrows(IllegalStateException.class,
                    () -> enc.embed(images, Branch.PRUNED_DENSE_BN));
            assertThat(noMask).hasMessageThat().contains("before setMask or rebuildMask");
        }
        Path simclr = tmp.resolve("simclr.params");
        try (DualBranchResNet net = DualBranchResNet.create(Specs.tiny("simclr"), Device.cpu(), 3L)) {
            ParamsFile.write(net, simclr);
        }
        try (FrozenEncoder enc = FrozenEncoder.load(simclr, Specs.tiny("simclr"), Device.cpu())) {
            assertThat(enc.bnSets()).isEqualTo(1);
            enc.prune(0.5);
            assertThat(enc.embed(images, Branch.PRUNED_DENSE_BN)).hasLength(2);
            IllegalArgumentException noSet = assertThrows(IllegalArgumentException.class,
                    () -> enc.embed(images, Branch.PRUNED));
            assertThat(noSet).hasMessageThat().isEqualTo("a simclr network has no PRUNED branch");
        }
    }
}
