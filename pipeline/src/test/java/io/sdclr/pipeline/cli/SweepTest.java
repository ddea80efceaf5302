package io.sdclr.pipeline.cli;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
    @TempDir Path tmp;

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
        }, Map.of("pretrain.prune", "abc"), "--sweep"));
        assertThat(e).hasMessageThat().isEqualTo("--sweep pretrain.prune=abc: expected a number (default 0.9)");
        // Not about a swept key: unchanged.
        e = assertThrows(InvalidInputException.class, () -> Sweep.prepare(() -> {
            throw new InvalidInputException("--set probe.lr=x: expected a number");
        }, Map.of("pretrain.prune", "0.5"), "--sweep"));
        assertThat(e).hasMessageThat().isEqualTo("--set probe.lr=x: expected a number");
    }

    @Test
    void aSweepFileHasAPointPerLineValuesMayHoldCommas() throws Exception {
        Path f = Files.writeString(tmp.resolve("points.txt"), """
                # the prune ratios at their own epoch counts
                pretrain.prune=0.5 pretrain.epochs=20

                pretrain.prune=0.9   pretrain.epochs=50
                knn.k=200,20
                """);
        Sweep.Points p = Sweep.fromFile(f, Map.of("subset.splits", "1"), false);
        assertThat(p.points().stream().map(Sweep::label).toList()).containsExactly(
                "pretrain.prune=0.5 pretrain.epochs=20", "pretrain.prune=0.9 pretrain.epochs=50", "knn.k=200,20")
                .inOrder();
        assertThat(p.origins()).containsExactly(f + " line 2:", f + " line 4:", f + " line 5:").inOrder();
        // An error about a value names the file's line.
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Sweep.prepare(() -> {
            throw new InvalidInputException("--set knn.k=200,20: expected whole numbers");
        }, p.points().get(2), p.origins().get(2)));
        assertThat(e).hasMessageThat().isEqualTo(f + " line 5: knn.k=200,20: expected whole numbers");
    }

    @Test
    void badSweepFilesAreInputErrorsNamingTheLine() throws Exception {
        Path f = tmp.resolve("p.txt");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.fromFile(f, Map.of(), false)))
                .hasMessageThat().isEqualTo("--sweep-file " + f + ": cannot read it (no such file)");
        Files.writeString(f, "# nothing\n\n");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.fromFile(f, Map.of(), false)))
                .hasMessageThat().startsWith("--sweep-file " + f + ": no points in it");
        Files.writeString(f, "seed=1\nseed 2\n");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.fromFile(f, Map.of(), false)))
                .hasMessageThat().isEqualTo(f + " line 2: seed: expected KEY=VALUE pairs separated by spaces (e.g. "
                        + "pretrain.prune=0.7 pretrain.epochs=20)");
        Files.writeString(f, "seed=1 seed=2\n");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.fromFile(f, Map.of(), false)))
                .hasMessageThat().isEqualTo(f + " line 1: seed is given twice");
        Files.writeString(f, "seed=1\nseed=2\nseed=1\n");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.fromFile(f, Map.of(), false)))
                .hasMessageThat().isEqualTo(f + " line 3: the same point as " + f + " line 1");
        Files.writeString(f, "seed=1\n");
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.fromFile(f, Map.of("seed", "2"), false)))
                .hasMessageThat().contains("line 1: seed and --set seed: a key is either swept or set, not both");
        Files.writeString(f, String.join("\n", java.util.stream.IntStream.rangeClosed(1, 65).mapToObj(i -> "seed=" + i)
                .toList()));
        assertThat(assertThrows(InvalidInputException.class, () -> Sweep.fromFile(f, Map.of(), false)))
                .hasMessageThat().isEqualTo("--sweep-file " + f + ": 65 points; more than 64 needs --yes");
        assertThat(Sweep.fromFile(f, Map.of(), true).points()).hasSize(65);
    }
}
