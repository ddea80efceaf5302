package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.pipeline.store.StoreCollector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sdclr gc}: removes what no run record needs from the store (see {@link StoreCollector}). */
@Command(name = "gc", description = "Remove artifacts no run record references, dead runs' staging, spent checkpoints "
        + "and expired leases from the store; safe while runs use it.")
final class Gc implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)([mhdw])");

    @Mixin ExistingStore store = new ExistingStore();

    @Option(names = "--dry-run", description = "Remove nothing; say what would be removed.")
    boolean dryRun;

    @Option(names = "--keep", paramLabel = "AGE",
            description = "Only runs started within AGE (e.g. 12h, 30d, 2w) keep their artifacts; checkpoints of "
                    + "unfinished steps older than AGE go too. Default: every recorded run keeps its artifacts.")
    String keep;

    @Override
    public Integer call() throws Exception {
        Instant cutoff = keep == null ? null : Instant.now().minus(parse(keep));
        long t0 = System.nanoTime();
        StoreCollector.Report r;
        try {
            r = new StoreCollector(store.open()).collect(cutoff, dryRun);
        } catch (StoreCollector.Busy busy) {
            throw new InvalidInputException("--store %s: another sdclr gc is at work on it (%s); try again when it has "
                    + "finished", store.dir, busy.getMessage());
        }
        System.out.print(describe(r, store.dir, keep, (System.nanoTime() - t0) / 1e9));
        return 0;
    }

    static Duration parse(String age) {
        Matcher m = DURATION.matcher(age.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new InvalidInputException("--keep %s: expected a positive age like 90m, 12h, 30d or 2w", age);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** What gc prints: a line per kind of thing removed, what it kept and why, the sizes before and after. */
    static String describe(StoreCollector.Report r, Path dir, String keep, double seconds) {
        StringBuilder sb = new StringBuilder();
        String verb = r.dryRun() ? "would remove" : "removed";
        sb.append(String.format(Locale.ROOT, "gc%s: store %s, %s%n", r.dryRun() ? " --dry-run" : "", dir,
                mb(r.bytesBefore())));
        for (Map.Entry<StoreCollector.Kind, long[]> e : r.byKind().entrySet()) {
            long[] v = e.getValue();
            if (v[0] > 0) {
                sb.append(String.format(Locale.ROOT, "  %s %-12s %5d  %10s  (%s)%n", verb, e.getKey().label, v[0],
                        mb(v[1]), e.getKey().description));
            }
        }
        if (r.removed().isEmpty()) {
            sb.append("  nothing to remove\n");
        }
        sb.append(String.format(Locale.ROOT, "  kept %d artifacts (%s) that %d run record%s%s%n",
                r.keptArtifacts(), mb(r.keptArtifactBytes()), r.records(), r.records() == 1 ? " references"
                        : "s reference",
                keep == null ? "" : " (runs started within " + keep + ")"));
        if (!r.liveRuns().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "  kept %d unreferenced artifacts (%s): %d run%s using the store "
                    + "(%s); run sdclr gc again when %s finished%n", r.unreferencedKept(),
                    mb(r.unreferencedKeptBytes()), r.liveRuns().size(), r.liveRuns().size() == 1 ? " is" : "s are",
                    String.join("; ", r.liveRuns()), r.liveRuns().size() == 1 ? "it has" : "they have"));
        }
        if (r.resumable() > 0) {
            sb.append(String.format(Locale.ROOT, "  kept %d checkpoint folder%s (%s) of unfinished steps: their next run "
                    + "resumes from them%s%n", r.resumable(), r.resumable() == 1 ? "" : "s", mb(r.resumableBytes()),
                    keep == null ? " (--keep AGE removes those older than AGE)" : ""));
        }
        sb.append(String.format(Locale.ROOT, "gc: %s %s in %.1f s; store %s %s%n", r.dryRun() ? "would free" : "freed",
                mb(r.freed()), seconds, r.dryRun() ? "would be" : "now", mb(r.bytesAfter())));
        return sb.toString();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
