package io.sdclr.examples.bench;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchSummaryTest {
    private static BenchSummary.Result line(String impl, String method, String alloc, double ips, double step,
            String rss) {
        List<Long> epochs = java.util.Arrays.stream(rss.split(",")).map(Long::parseLong).toList();
        // Steady rate (after the warm-up iterations): 10% above the whole run's, as a first-iterations cost would.
        return BenchSummary.Result.parse("[progress]\n" + BenchSummary.lines(impl, method, 0.25, 256, 200, alloc, ips,
                step, step * 1.1, 0.0125, 2100, epochs), 1);
    }

    @Test
    void linesKeepTheCliContractAndParseBack() {
        String lines = BenchSummary.lines("djl", "sdclr", 0.25, 256, 200, "tuned", 400, 410, 431.5, 0.0125, 2100,
                List.of(1900L, 2000L));
        assertThat(lines.lines().toList()).containsExactly(
                "bench-detail: impl=djl method=sdclr iters=200 allocator=tuned step_images_per_second=410.0 "
                        + "steady_images_per_second=431.5 rss_mb_by_epoch=1900,2000",
                "bench: method=sdclr width=0.25 batch=256 images_per_second=400.0 aug_fraction=0.0125 "
                        + "peak_rss_mb=2100").inOrder();
    }

    @Test
    void parsesTheBenchLines() {
        BenchSummary.Result r = line("djl", "sdclr", "tuned", 400, 410, "1900,2000,1950");
        assertThat(r.impl()).isEqualTo("djl");
        assertThat(r.stepImagesPerSecond()).isEqualTo(410.0);
        assertThat(r.steadyImagesPerSecond()).isEqualTo(451.0);
        assertThat(r.rssMbByEpoch()).containsExactly(1900L, 2000L, 1950L).inOrder();
        assertThat(r.growthAfterFirstEpochMb()).isEqualTo(100);
    }

    @Test
    void ratiosCompareLikeWithLike() {
        String out = BenchSummary.render(List.of(
                line("djl", "simclr", "tuned", 400, 420, "1,1"),
                line("pytorch", "simclr", "tuned", 320, 336, "1,1"),
                line("djl", "sdclr", "tuned", 380, 400, "1,1"),
                line("pytorch", "sdclr", "tuned", 400, 420, "1,1"),
                line("djl", "sdclr", "default", 190, 200, "1,3"),
                line("djl", "sdclr", "jemalloc", 400, 500, "1,1"),
                line("pytorch", "sdclr", "jemalloc", 300, 400, "1,1")));
        // 400/380 - 1 = +5.3% time per image.
        assertThat(out).contains("SDCLR costs +5.3% time per image vs SimCLR (djl, tuned) [means of 1 and 1 runs]");
        assertThat(out).contains("DJL / PyTorch forward+backward+update images/s = 1.25 (simclr, tuned)");
        assertThat(out).contains("DJL / PyTorch forward+backward+update images/s = 0.95 (sdclr, tuned)");
        assertThat(out).contains("tuned / default allocator images/s = 2.00 (djl, sdclr)");
        // Steady rates: 500 x 1.1 against 400 x 1.1 with jemalloc; jemalloc against tuned glibc on each side.
        assertThat(out).contains("DJL / PyTorch forward+backward+update images/s after 10 iterations = 1.25 "
                + "(sdclr, jemalloc)");
        assertThat(out).contains("jemalloc / tuned glibc images/s after 10 iterations = 1.25 (djl, sdclr)");
        assertThat(out).contains("jemalloc / tuned glibc images/s after 10 iterations = 0.95 (pytorch, sdclr)");
        assertThat(out).contains("memory: djl sdclr default round 1: RSS grew 2 MB after epoch 1");
        assertThat(out).doesNotContain("(pytorch, default)");
    }

    @Test
    void unreadableLineNamesTheLine() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> BenchSummary.Result.parse("bench: method=sdclr", 1));
        assertThat(e).hasMessageThat().contains("cannot read the result lines \"bench: method=sdclr\"");
    }
}
