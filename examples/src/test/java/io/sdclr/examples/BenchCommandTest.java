package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** {@code sdclr bench pretrain} trains for real on Fashion-MNIST and ends with its one-line summary. */
class BenchCommandTest {
    @Test
    void benchPretrainEndsWithTheSummaryLine() {
        Cli.Result r = Cli.run("bench", "pretrain", "--method", "simclr", "--batch", "32", "--iters", "3");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.lastLine()).matches("bench: method=simclr width=0.25 batch=32 images_per_second=\\d+\\.\\d "
                + "aug_fraction=0\\.\\d{4} peak_rss_mb=\\d+");
    }

    @Test
    void badOptionsExitWithCode2() {
        Cli.Result r = Cli.run("bench", "pretrain", "--epochs", "3");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option --epochs; expected --method, --width, --batch, --iters, --data");
        Cli.Result s = Cli.run("bench", "nope");
        assertThat(s.exitCode()).isEqualTo(2);
        assertThat(s.err()).contains("unknown benchmark \"nope\"; valid benchmarks: pretrain");
    }
}
