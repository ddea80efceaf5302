package io.sdclr.pipeline.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdclr.dsl.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sdclr runs} and {@code sdclr show RUN}: the run records of a store ({@code STORE/runs/RUN.json}). */
final class RunHistory {
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Evaluations whose "All" is shown by {@code show}, in this order, as results.json names them. */
    private static final List<String> EVALUATIONS = List.of("linear", "fewshot", "knn", "knn20");

    private RunHistory() {}

    @Command(name = "runs", description = "List the runs recorded in the store, newest first.")
    static final class Runs implements Callable<Integer> {
        @Mixin ExistingStore store = new ExistingStore();

        @Option(names = "--workflow", paramLabel = "NAME", description = "Only runs of this workflow.")
        String workflow;

        @Option(names = "--where", paramLabel = "KEY=VALUE",
                description = "Only runs whose parameter KEY had VALUE (repeatable; numbers compare as numbers).")
        Map<String, String> where = new LinkedHashMap<>();

        @Option(names = "--sweep", paramLabel = "ID", description = "Only the points of this sweep.")
        String sweep;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N runs (default 50).")
        int limit;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new InvalidInputException("--limit %d: expected 1 or more", limit);
            }
            List<JsonNode> shown = new ArrayList<>();
            for (JsonNode r : store.open().runRecords()) {
                if (matches(r, workflow, where) && (sweep == null || sweep.equals(r.path("sweep").asText()))) {
                    shown.add(r);
                }
            }
            if (shown.isEmpty()) {
                boolean filtered = workflow != null || !where.isEmpty() || sweep != null;
                System.out.println("no runs" + (filtered ? " match" : " recorded") + " in " + store.dir);
                return 0;
            }
            System.out.printf("%-24s %-14s %-20s %9s %11s %-11s %s%n", "RUN", "WORKFLOW", "STARTED (UTC)", "TIME",
                    "RAN/CACHED", "RUNNER", "SET");
            for (JsonNode r : shown.subList(0, Math.min(limit, shown.size()))) {
                System.out.println(line(r));
            }
            if (shown.size() > limit) {
                System.out.printf("(%d more; --limit N shows more)%n", shown.size() - limit);
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Print one recorded run: parameters, code, machine, steps, results.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "RUN", description = "Run id, or its unique beginning.")
        String run;

        @Mixin ExistingStore store = new ExistingStore();

        @Override
        public Integer call() throws Exception {
            System.out.print(describe(resolve(store.open().runRecords(), run, store.dir)));
            return 0;
        }
    }

    @Command(name = "compare", description = "Accuracy of several recorded runs (or a sweep's points) side by side, "
            + "as a table here and in compare.html with charts.")
    static final class Compare implements Callable<Integer> {
        @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run ids (or unique beginnings) or sweep ids.")
        List<String> runs;

        @Mixin ExistingStore store = new ExistingStore();

        @Option(names = "--eval", paramLabel = "EVAL", split = ",", defaultValue = "linear",
                description = "Evaluations, comma-separated: linear (default), fewshot, knn, knn20, pie (PIE rate).")
        List<String> eval;

        @Option(names = "--group", paramLabel = "GROUP", split = ",", defaultValue = "all",
                description = "Groups, comma-separated: all (default), many, medium, few, std.")
        List<String> group;

        @Option(names = "--method", paramLabel = "METHOD", split = ",",
                description = "Only these methods, comma-separated (default: every method of the runs).")
        List<String> method = new ArrayList<>();

        @Option(names = "--x", paramLabel = "KEY",
                description = "The parameter on the charts' x axis (default: the numeric parameter with the most "
                        + "values among those the runs differ in).")
        String x;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "sdclr-out",
                description = "Where compare.html is written (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            Comparison c = new Comparison(chosen(store.open().runRecords(), runs, store.dir), eval, group, method);
            java.util.Optional<String> xKey = c.xKey(x);
            Locations.checkWritableDirectory("--out", out);
            Files.createDirectories(out);
            Path html = out.resolve("compare.html");
            List<String> args = new ArrayList<>(List.of("sdclr", "compare"));
            args.addAll(runs);
            args.addAll(List.of("--eval", String.join(",", eval), "--group", String.join(",", group)));
            System.out.print(c.table());
            Files.writeString(html, c.html(String.join(" ", args), xKey));
            System.out.println();
            System.out.println("wrote " + html + (xKey.isPresent() ? " (charts against " + xKey.get() + ")"
                    : " (no chart: the runs do not differ in a numeric parameter)"));
            return 0;
        }
    }

    /** The records RUN... name: a sweep id stands for its points in grid order, a run id (or prefix) for itself. */
    static List<JsonNode> chosen(List<JsonNode> all, List<String> ids, Path store) {
        List<JsonNode> chosen = new ArrayList<>();
        for (String id : ids) {
            List<JsonNode> points = all.stream().filter(r -> id.equals(r.path("sweep").asText())).toList();
            if (!points.isEmpty()) {
                List<JsonNode> ordered = new ArrayList<>(points);
                ordered.sort(java.util.Comparator.comparingInt(r -> pointIndex(text(r, "runId"))));
                chosen.addAll(ordered);
                continue;
            }
            chosen.add(resolve(all, id, store));
        }
        return chosen;
    }

    /** The record whose id is {@code id}, or the only one whose id starts with it. */
    static JsonNode resolve(List<JsonNode> records, String id, Path store) {
        List<JsonNode> found = records.stream().filter(r -> text(r, "runId").startsWith(id)).toList();
        if (found.isEmpty()) {
            throw new InvalidInputException("run %s: not recorded in %s (sdclr runs --store %s lists them)", id,
                    store, store);
        }
        return found.stream().filter(r -> text(r, "runId").equals(id)).findFirst().orElseGet(() -> {
            if (found.size() > 1) {
                throw new InvalidInputException("run %s: %d runs start with it (%s); give more of the id", id,
                        found.size(), String.join(", ", found.stream().map(r -> text(r, "runId")).toList()));
            }
            return found.get(0);
        });
    }

    private static int pointIndex(String runId) {
        int p = runId.lastIndexOf("-p");
        try {
            return p < 0 ? 0 : Integer.parseInt(runId.substring(p + 2));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static boolean matches(JsonNode r, String workflow, Map<String, String> where) {
        if (workflow != null && !workflow.equals(text(r, "workflow"))) {
            return false;
        }
        for (Map.Entry<String, String> w : where.entrySet()) {
            JsonNode v = r.path("params").get(w.getKey());
            if (v == null || !sameValue(v.asText(), w.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameValue(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** One line of {@code sdclr runs}. */
    static String line(JsonNode r) {
        String started = text(r, "startedAt");
        started = started.length() >= 19 ? started.substring(0, 19).replace('T', ' ') : "-";
        String time = r.has("seconds") ? duration(r.get("seconds").asDouble()) : "-";
        String counts;
        if (r.has("ran")) {
            counts = r.get("ran").asLong() + "/" + r.get("cached").asLong();
        } else {
            long ran = 0;
            long cached = 0;
            for (JsonNode s : r.path("steps")) {
                if (s.path("hit").asBoolean()) {
                    cached++;
                } else {
                    ran++;
                }
            }
            counts = ran + "/" + cached;
        }
        List<String> set = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("set").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            set.add(e.getKey() + "=" + e.getValue().asText());
        }
        return String.format(Locale.ROOT, "%-24s %-14s %-20s %9s %11s %-11s %s", text(r, "runId"),
                text(r, "workflow"), started, time, counts, text(r, "runner"),
                r.has("set") ? (set.isEmpty() ? "(defaults)" : String.join(" ", set)) : "(not recorded)");
    }

    /** What {@code sdclr show} prints. */
    static String describe(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "run %s · workflow %s · %s%n", text(r, "runId"), text(r, "workflow"),
                r.has("status") ? text(r, "status") : "finished"));
        if (r.has("startedAt")) {
            sb.append(String.format(Locale.ROOT, "started %s, ended %s (%s), runner %s, code %s%n",
                    text(r, "startedAt"), text(r, "endedAt"), duration(r.get("seconds").asDouble()), text(r, "runner"),
                    text(r, "codeId")));
            List<String> m = new ArrayList<>();
            r.path("machine").fields().forEachRemaining(e -> m.add(e.getKey() + " " + e.getValue().asText()));
            sb.append("machine: ").append(String.join(", ", m)).append('\n');
        } else {
            sb.append("runner ").append(text(r, "runner"))
                    .append(" (recorded before runs kept their parameters, times and results)\n");
        }
        if (r.has("set")) {
            List<String> set = new ArrayList<>();
            r.path("set").fields().forEachRemaining(e -> set.add(e.getKey() + "=" + e.getValue().asText()));
            sb.append("set: ").append(set.isEmpty() ? "nothing (the workflow's defaults)" : String.join(" ", set))
                    .append('\n');
        }
        if (r.has("params")) {
            sb.append("parameters:\n");
            int w = 0;
            for (Iterator<String> it = r.path("params").fieldNames(); it.hasNext();) {
                w = Math.max(w, it.next().length());
            }
            int width = w;
            java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
            r.path("params").fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
            sorted.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "    %-" + width + "s = %s%n", k, v)));
        }
        JsonNode steps = r.path("steps");
        long ran = 0;
        for (JsonNode s : steps) {
            ran += s.path("hit").asBoolean() ? 0 : 1;
        }
        sb.append(String.format(Locale.ROOT, "steps (%d: ran %d, cached %d):%n", steps.size(), ran,
                steps.size() - ran));
        int w = 0;
        for (JsonNode s : steps) {
            w = Math.max(w, text(s, "name").length());
        }
        for (JsonNode s : steps) {
            boolean hit = s.path("hit").asBoolean();
            String digest = text(s, "digest");
            sb.append(String.format(Locale.ROOT, "    %-" + w + "s %-6s %8s  artifact %s%s%n", text(s, "name"),
                    hit ? "cached" : "ran", hit ? "" : String.format(Locale.ROOT, "%.1f s", s.path("seconds")
                            .asDouble()), digest.length() > 12 ? digest.substring(0, 12) : digest,
                    hit ? "" : "  (" + shorten(text(s, "reason"), 100) + ")"));
        }
        if (r.path("published").size() > 0) {
            sb.append("published:\n");
            r.path("published").forEach(p -> sb.append("    ").append(p.asText()).append('\n'));
        }
        JsonNode methods = r.path("results").path("methods");
        if (methods.isObject() && methods.size() > 0) {
            sb.append("results (All, test accuracy %, mean ± sd over splits):\n");
            methods.fields().forEachRemaining(m -> {
                List<String> cells = new ArrayList<>();
                for (String e : EVALUATIONS) {
                    JsonNode all = m.getValue().path(e).path("all");
                    if (all.has("mean")) {
                        cells.add(String.format(Locale.ROOT, "%s %.2f ± %.2f", e, all.get("mean").asDouble(),
                                all.path("sd").asDouble()));
                    }
                }
                sb.append(String.format(Locale.ROOT, "    %-16s %s%n", m.getKey(), String.join("   ", cells)));
            });
        }
        return sb.toString();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** A field of a record as text; "-" when absent. */
    static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null || v.isNull() ? "-" : v.asText();
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
