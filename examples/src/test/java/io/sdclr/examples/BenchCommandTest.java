package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** {@code sdclr bench pretrain} trains for real on Fashion-MNIST and ends with its one-line summary. */
class BenchCommandTest {
    @Test
    void benchPretrainEndsWithTheSummaryLine() {
        Cli.Result r = Cli.run("bench", "pretrain", "--method", "sdclr", "--batch", "32", "--iters", "4",
                "--epochs", "2");
        assertThat(r.exitCode()).isEqualTo(0);
        // The CLI contract's line, after the details.
        assertThat(r.lastLine()).matches("bench: method=sdclr width=0.25 batch=32 images_per_second=\\d+\\.\\d "
                + "aug_fraction=0\\.\\d{4} peak_rss_mb=\\d+");
        assertThat(r.out()).containsMatch("bench-detail: impl=djl method=sdclr iters=4 allocator=(tuned|default) "
                + "step_images_per_second=\\d+\\.\\d steady_images_per_second=0\\.0 rss_mb_by_epoch=\\d+,\\d+\n");
        // Each epoch rebuilds the mask and says so.
        assertThat(r.err()).contains("[bench] epoch 1/2 mask rebuilt: kept ");
        assertThat(r.err()).contains("[bench] epoch 2/2 mask rebuilt: kept ");
    }

    @Test
    void severalConfigurationsRunAsAlternatingChildJvmsAndEndWithATable() {
        // 12 iterations: the steady rate (after 10) exists, so the jemalloc ratio is printed.
        Cli.Result r = Cli.run("bench", "pretrain", "--method", "simclr", "--batch", "16", "--iters", "12",
                "--epochs", "2", "--allocator", "tuned,default,jemalloc");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.out()).containsMatch("\\| 1 \\| djl \\| simclr \\| tuned \\| \\d+\\.\\d \\|");
        assertThat(r.out()).containsMatch("\\| 1 \\| djl \\| simclr \\| default \\| \\d+\\.\\d \\|");
        assertThat(r.out()).containsMatch("tuned / default allocator images/s = \\d+\\.\\d\\d \\(djl, simclr\\)");
        assertThat(r.out()).contains("memory: djl simclr default round 1: RSS grew ");
        // The child with the default allocator really ran without the tunables.
        assertThat(r.err()).contains("[bench] bench-detail: impl=djl method=simclr iters=12 allocator=default");
        // ... and the jemalloc child had Debian's libjemalloc2 mapped (read from /proc/self/maps).
        assertThat(r.err()).contains("[bench] bench-detail: impl=djl method=simclr iters=12 allocator=jemalloc");
        assertThat(r.out()).containsMatch("jemalloc / tuned glibc images/s after 10 iterations = \\d+\\.\\d\\d "
                + "\\(djl, simclr\\)");
    }

    /**
     * The PyTorch eager reference (not a product dependency) runs where Debian's python3-torch is installed;
     * elsewhere, as in CI, this test is skipped and the option must say what to install.
     */
    @Test
    void pytorchReferenceRunsBesideDjlWhereTorchIsInstalled() throws Exception {
        boolean torch = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, numpy").start().waitFor() == 0;
        if (!torch) {
            Cli.Result r = Cli.run("bench", "pretrain", "--reference", "pytorch", "--iters", "4");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("sudo apt-get install python3-torch libopenblas0-openmp");
            return;
        }
        Cli.Result r = Cli.run("bench", "pretrain", "--method", "sdclr", "--batch", "16", "--iters", "2",
                "--epochs", "2", "--reference", "pytorch", "--allocator", "jemalloc");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.out()).containsMatch("\\| 1 \\| pytorch \\| sdclr \\| jemalloc \\| \\d+\\.\\d \\|");
        assertThat(r.out()).containsMatch("DJL / PyTorch forward\\+backward\\+update images/s = \\d+\\.\\d\\d "
                + "\\(sdclr, jemalloc\\)");
    }

    @Test
    void badOptionsExitWithCode2() {
        Cli.Result r = Cli.run("bench", "pretrain", "--epoch", "3");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option --epoch; expected --method, --width, --batch, --iters, --epochs");
        Cli.Result m = Cli.run("bench", "pretrain", "--method", "sdclr,byol");
        assertThat(m.exitCode()).isEqualTo(2);
        assertThat(m.err()).contains("--method byol: expected one or more of simclr, sdclr, comma-separated");
        Cli.Result l = Cli.run("bench", "pretrain", "--layout", "nhwc,nchw");
        assertThat(l.exitCode()).isEqualTo(2);
        assertThat(l.err()).contains("--layout nhwc,nchw: expected nhwc (channels-last, as pretraining runs on CPU) "
                + "or nchw; one per command");
        Cli.Result i = Cli.run("bench", "pretrain", "--image", "30x30x3");
        assertThat(i.exitCode()).isEqualTo(2);
        assertThat(i.err()).contains("--image 30x30x3: expected 28x28x1");
        Cli.Result p = Cli.run("bench", "pretrain", "--profile", "x.json", "--method", "simclr,sdclr");
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.err()).contains("--profile is for one method and one round in this process");
        Cli.Result s = Cli.run("bench", "nope");
        assertThat(s.exitCode()).isEqualTo(2);
        assertThat(s.err()).contains("unknown benchmark \"nope\"; valid benchmarks: pretrain");
    }
}
