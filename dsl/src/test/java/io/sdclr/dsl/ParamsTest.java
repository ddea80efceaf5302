package io.sdclr.dsl;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
    static final Param<Integer> EPOCHS = Param.integer("pretrain.epochs", 5, "epochs").atLeast(1);
    static final Param<Double> LR = Param.decimal("probe.lr", 30, "probe learning rate").requiring(v -> v > 0,
            "be > 0");
    static final Param<String> DIR = Param.string("data.dir", "/data", "data directory");
    static final List<Param<?>> ALL = List.of(EPOCHS, LR, DIR);

    @Test
    void defaultsAndOverrides() {
        Params p = Params.of(ALL, Map.of("probe.lr", "10"));
        assertThat(p.get(EPOCHS)).isEqualTo(5);
        assertThat(p.get(LR)).isEqualTo(10.0);
        assertThat(p.overridden()).containsExactly("probe.lr");
    }

    @Test
    void unknownKeyListsTheValidOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Params.of(ALL, Map.of("probe.lrr", "10")));
        assertThat(e).hasMessageThat().isEqualTo(
                "--set probe.lrr: unknown parameter; valid parameters: pretrain.epochs, probe.lr, data.dir");
    }

    @Test
    void wrongTypeSaysWhatWasExpected() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Params.of(ALL, Map.of("pretrain.epochs", "ten")));
        assertThat(e).hasMessageThat().isEqualTo("--set pretrain.epochs=ten: expected an integer (default 5)");
    }

    @Test
    void outOfRangeSaysTheRule() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Params.of(ALL, Map.of("pretrain.epochs", "0")));
        assertThat(e).hasMessageThat().isEqualTo("--set pretrain.epochs=0: the value must be >= 1");
    }

    @Test
    void canonicalNumbersPrintWithoutTrailingZeros() {
        assertThat(Canonical.value(30.0)).isEqualTo("30");
        assertThat(Canonical.value(0.25)).isEqualTo("0.25");
        assertThat(Canonical.value(1e-6)).isEqualTo("0.000001");
    }
}
