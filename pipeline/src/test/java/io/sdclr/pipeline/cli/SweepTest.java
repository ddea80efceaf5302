package io.sdclr.pipeline.cli;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepTest {
    private static Map<String, String> sweep(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void gridIsEveryCombinationFirstKeySlowest() {
        List<Map<String, String>> g = Sweep.grid(sweep("pretrain.prune", "0.5, 0.7,0.9", "pretrain.epochs", "5,20"),
                Map.of(), false);
        assertThat(g.stream().map(Sweep::label).toList()).containsExactly(
                "pretrain.prune=0.5 pretrain.epochs=5", "pretrain.prune=0.5 pretrain.epochs=20",
                "pretrain.prune=0.7 pretrain.epochs=5", "pretrain.prune=0.7 pretrain.epochs=20",
                "pretrain.prune=0.9 pretrain.epochs=5", "pretrain.prune=0.9 pretrain.epochs=20").inOrder();
        assertThat(Sweep.folder(g.get(1))).isEqualTo("pretrain.prune=0.5_pretrain.epochs=20");
        assertThat(Sweep.folder(Map.of("data.dir", "/a b/c"))).isEqualTo("data.dir=-a-b-c");
    }

    @Test
    void badSweepsAreInputErrors() {
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.grid(sweep("pretrain.prune", ""), Map.of(),
                false))).hasMessageThat().contains("--sweep pretrain.prune=: expected a comma-separated list");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.grid(sweep("seed", "1,,2"), Map.of(),
                false))).hasMessageThat().contains("none empty");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.grid(sweep("seed", "1,2,1"), Map.of(),
                false))).hasMessageThat().contains("value 1 is listed twice");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.grid(sweep("seed", "1,2"),
                Map.of("seed", "3"), false))).hasMessageThat().contains("either swept or set, not both");
    }

    @Test
    void moreThan64PointsNeedYes() {
        Map<String, String> big = sweep("seed", "1,2,3,4,5,6,7,8,9", "probe.epochs", "1,2,3,4,5,6,7,8");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.grid(big, Map.of(), false)))
                .hasMessageThat().isEqualTo("--sweep: 72 points (9 values of seed x 8 values of probe.epochs); more "
                        + "than 64 needs --yes");
        assertThat(Sweep.grid(big, Map.of(), true)).hasSize(72);
        assertThat(Sweep.grid(sweep("seed", String.join(",", java.util.stream.IntStream.rangeClosed(1, 64)
                .mapToObj(Integer::toString).toList())), Map.of(), false)).hasSize(64);
    }

    @Test
    void errorsAboutASweptKeyNameTheSweep() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Sweep.prepare(() -> {
            throw new InvalidInputException("--set pretrain.prune=abc: expected a number (default 0.9)");
        }, Map.of("pretrain.prune", "abc")));
        assertThat(e).hasMessageThat().isEqualTo("--sweep pretrain.prune=abc: expected a number (default 0.9)");
        // Not about a swept key: unchanged.
        e = assertThrows(InvalidInputException.class, () -> Sweep.prepare(() -> {
            throw new InvalidInputException("--set probe.lr=x: expected a number");
        }, Map.of("pretrain.prune", "0.5")));
        assertThat(e).hasMessageThat().isEqualTo("--set probe.lr=x: expected a number");
    }
}
