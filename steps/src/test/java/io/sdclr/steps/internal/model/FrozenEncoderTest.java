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
}
