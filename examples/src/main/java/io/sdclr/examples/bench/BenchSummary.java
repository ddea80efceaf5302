package io.sdclr.examples.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The table and ratios printed after a multi-run {@code bench pretrain}, in Markdown for docs/benchmarks.md. */
final class BenchSummary {
    /**
     * The two result lines of one run: {@code bench-detail: impl=.. method=.. allocator=..
     * step_images_per_second=.. rss_mb_by_epoch=a,b,..} then the CLI contract's {@code bench: method=..
     * width=.. batch=.. images_per_second=.. aug_fraction=.. peak_rss_mb=..}.
     */
    static String lines(String impl, String method, double width, int batch, int iters, String allocator,
            double imagesPerSecond, double stepImagesPerSecond, double steadyImagesPerSecond, double augFraction,
            long peakRssMb, List<Long> rss) {
        return String.format(Locale.ROOT, "bench-detail: impl=%s method=%s iters=%d allocator=%s "
                + "step_images_per_second=%.1f steady_images_per_second=%.1f rss_mb_by_epoch=%s%n"
                + "bench: method=%s width=%s batch=%d images_per_second=%.1f aug_fraction=%.4f peak_rss_mb=%d",
                impl, method, iters, allocator, stepImagesPerSecond, steadyImagesPerSecond,
                rss.stream().map(String::valueOf).collect(Collectors.joining(",")),
                method, width, batch, imagesPerSecond, augFraction, peakRssMb);
    }

    /** One run's {@code bench-detail:} and {@code bench:} lines, merged. */
    record Result(String impl, String method, String allocator, int round, double imagesPerSecond,
            double stepImagesPerSecond, double steadyImagesPerSecond, double augFraction, long peakRssMb,
            List<Long> rssMbByEpoch) {
        static Result parse(String output, int round) {
            Map<String, String> kv = new HashMap<>();
            String line = output.lines().filter(l -> l.startsWith("bench")).collect(Collectors.joining(" "));
            for (String part : line.trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    kv.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            try {
                List<Long> rss = kv.getOrDefault("rss_mb_by_epoch", "").isEmpty() ? List.of()
                        : Arrays.stream(kv.get("rss_mb_by_epoch").split(",")).map(Long::parseLong).toList();
                return new Result(kv.get("impl"), kv.get("method"), kv.get("allocator"), round,
                        Double.parseDouble(kv.get("images_per_second")),
                        Double.parseDouble(kv.get("step_images_per_second")),
                        Double.parseDouble(kv.get("steady_images_per_second")),
                        Double.parseDouble(kv.get("aug_fraction")), Long.parseLong(kv.get("peak_rss_mb")), rss);
            } catch (RuntimeException e) {
                throw new IllegalStateException("bench pretrain: cannot read the result lines \"" + line + "\"", e);
            }
        }

        /** Resident memory growth after the first epoch: the largest later value minus the first, in MB. */
        long growthAfterFirstEpochMb() {
            return rssMbByEpoch.size() < 2 ? 0
                    : rssMbByEpoch.stream().skip(1).mapToLong(Long::longValue).max().getAsLong() - rssMbByEpoch.get(0);
        }
    }

    private BenchSummary() {}

    static String render(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| round | impl | method | allocator | images/s | fwd+bwd+update images/s | same after 10 "
                + "iterations | augmentation | peak RSS MB | RSS MB after each epoch |\n"
                + "|---:|---|---|---|---:|---:|---:|---:|---:|---|\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %.1f | %.1f | %.1f | %.1f%% | %d | %s |%n",
                    r.round(), r.impl(), r.method(), r.allocator(), r.imagesPerSecond(), r.stepImagesPerSecond(),
                    r.steadyImagesPerSecond(), 100 * r.augFraction(), r.peakRssMb(),
                    r.rssMbByEpoch().stream().map(String::valueOf).collect(Collectors.joining(", "))));
        }
        sb.append('\n');
        // SDCLR's extra cost per image over SimCLR, per implementation and allocator.
        ratios(sb, results, r -> r.impl() + ", " + r.allocator(), Result::method, "simclr", "sdclr",
                Result::imagesPerSecond, (label, ratio) -> String.format(Locale.ROOT,
                        "SDCLR costs %+.1f%% time per image vs SimCLR (%s)", 100 * (ratio - 1), label));
        // DJL against PyTorch eager, per method and allocator: >= 1 means DJL is at least as fast.
        ratios(sb, results, r -> r.method() + ", " + r.allocator(), Result::impl, "pytorch", "djl",
                Result::stepImagesPerSecond, (label, ratio) -> String.format(Locale.ROOT,
                        "DJL / PyTorch forward+backward+update images/s = %.2f (%s)", 1 / ratio, label));
        ratios(sb, results, r -> r.method() + ", " + r.allocator(), Result::impl, "pytorch", "djl",
                Result::steadyImagesPerSecond, (label, ratio) -> String.format(Locale.ROOT,
                        "DJL / PyTorch forward+backward+update images/s after 10 iterations = %.2f (%s)", 1 / ratio,
                        label));
        ratios(sb, results, r -> r.method() + ", " + r.allocator(), Result::impl, "pytorch", "djl",
                Result::imagesPerSecond, (label, ratio) -> String.format(Locale.ROOT,
                        "DJL / PyTorch training images/s incl. augmentation = %.2f (%s)", 1 / ratio, label));
        ratios(sb, results, r -> r.impl() + ", " + r.method(), Result::allocator, "default", "tuned",
                Result::imagesPerSecond, (label, ratio) -> String.format(Locale.ROOT,
                        "tuned / default allocator images/s = %.2f (%s)", 1 / ratio, label));
        ratios(sb, results, r -> r.impl() + ", " + r.method(), Result::allocator, "tuned", "jemalloc",
                Result::steadyImagesPerSecond, (label, ratio) -> String.format(Locale.ROOT,
                        "jemalloc / tuned glibc images/s after 10 iterations = %.2f (%s)", 1 / ratio, label));
        for (Result r : results) {
            if (r.impl().equals("djl")) {
                sb.append(String.format(Locale.ROOT, "memory: djl %s %s round %d: RSS grew %d MB after epoch 1, "
                        + "augmentation %.1f%% of training time%n", r.method(), r.allocator(), r.round(),
                        r.growthAfterFirstEpochMb(), 100 * r.augFraction()));
            }
        }
        return sb.toString();
    }

    /**
     * For each group, mean(value of {@code base}) / mean(value of {@code other}) where {@code side} tells which
     * one a result is; with images/s this is other's time per image over base's.
     */
    private static void ratios(StringBuilder sb, List<Result> results, Function<Result, String> group,
            Function<Result, String> side, String base, String other, ToDoubleFunction<Result> value,
            java.util.function.BiFunction<String, Double, String> line) {
        Map<String, List<Result>> groups = results.stream()
                .collect(Collectors.groupingBy(group, LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Result>> g : groups.entrySet()) {
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            for (Result r : g.getValue()) {
                if (side.apply(r).equals(base)) {
                    a.add(value.applyAsDouble(r));
                } else if (side.apply(r).equals(other)) {
                    b.add(value.applyAsDouble(r));
                }
            }
            // A rate of 0 means "not measured" (no iterations after the warm-up): no ratio then.
            if (!a.isEmpty() && !b.isEmpty() && !a.contains(0.0) && !b.contains(0.0)) {
                double ratio = mean(a) / mean(b);
                sb.append(line.apply(g.getKey(), ratio)).append(String.format(Locale.ROOT,
                        " [means of %d and %d runs]%n", a.size(), b.size()));
            }
        }
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
