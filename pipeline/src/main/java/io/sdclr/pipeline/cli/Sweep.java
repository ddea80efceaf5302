package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The points of {@code --sweep KEY=V1,V2 ...} (every combination of the values, the first key varying slowest) or of
 * {@code --sweep-file FILE} (one point per line). Each point is the workflow built with the point's values set, so a
 * sweep needs no step code of its own, and the steps two points share (same cache key) are computed once.
 */
final class Sweep {
    static final int MAX_POINTS = 64;

    private Sweep() {}

    /**
     * A sweep's points, each with where it came from as an error message names it: {@code --sweep}, or
     * {@code FILE line N:}.
     */
    record Points(List<Map<String, String>> points, List<String> origins) {}

    /** The points of the sweep options, or none when they ask for no sweep. */
    static Points of(RunOptions o) {
        if (o.sweepFile != null && !o.sweep.isEmpty()) {
            throw new InvalidInputException("--sweep and --sweep-file %s: give the points one way, not both",
                    o.sweepFile);
        }
        if (o.sweepFile != null) {
            return fromFile(o.sweepFile, o.set, o.yes);
        }
        List<Map<String, String>> grid = o.sweep.isEmpty() ? List.of() : grid(o.sweep, o.set, o.yes);
        return new Points(grid, grid.stream().map(p -> "--sweep").toList());
    }

    /**
     * The points of a sweep file: one per line, as {@code KEY=VALUE} pairs separated by spaces (a value may hold
     * commas, e.g. {@code knn.k=200,20}, but no spaces); blank lines and lines starting with {@code #} are skipped.
     */
    static Points fromFile(java.nio.file.Path file, Map<String, String> set, boolean yes) {
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InvalidInputException("--sweep-file %s: not a UTF-8 text file", file);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("--sweep-file %s: cannot read it (%s)", file,
                    e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage());
        }
        List<Map<String, String>> points = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + n + ":";
            Map<String, String> point = new LinkedHashMap<>();
            for (String pair : line.split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new InvalidInputException("%s %s: expected KEY=VALUE pairs separated by spaces (e.g. "
                            + "pretrain.prune=0.7 pretrain.epochs=20)", where, pair);
                }
                String key = pair.substring(0, eq);
                if (point.put(key, pair.substring(eq + 1)) != null) {
                    throw new InvalidInputException("%s %s is given twice", where, key);
                }
                if (set.containsKey(key)) {
                    throw new InvalidInputException("%s %s and --set %s: a key is either swept or set, not both", where,
                            key, key);
                }
            }
            int earlier = points.indexOf(point);
            if (earlier >= 0) {
                throw new InvalidInputException("%s the same point as %s", where, origins.get(earlier).replaceAll(":$",
                        ""));
            }
            points.add(point);
            origins.add(where);
        }
        if (points.isEmpty()) {
            throw new InvalidInputException("--sweep-file %s: no points in it (expected a line of KEY=VALUE pairs per "
                    + "point)", file);
        }
        if (points.size() > MAX_POINTS && !yes) {
            throw new InvalidInputException("--sweep-file %s: %d points; more than %d needs --yes", file, points.size(),
                    MAX_POINTS);
        }
        return new Points(points, origins);
    }

    static List<Map<String, String>> grid(Map<String, String> sweep, Map<String, String> set, boolean yes) {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, String> e : sweep.entrySet()) {
            String key = e.getKey();
            if (set.containsKey(key)) {
                throw new InvalidInputException("--sweep %s and --set %s: a key is either swept or set, not both", key,
                        key);
            }
            List<String> values = new ArrayList<>();
            for (String v : e.getValue().split(",", -1)) {
                if (v.isBlank()) {
                    throw new InvalidInputException("--sweep %s=%s: expected a comma-separated list of values, "
                            + "none empty (e.g. --sweep %s=0.5,0.7,0.9)", key, e.getValue(), key);
                }
                if (values.contains(v.strip())) {
                    throw new InvalidInputException("--sweep %s=%s: value %s is listed twice", key, e.getValue(),
                            v.strip());
                }
                values.add(v.strip());
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : points) {
                for (String v : values) {
                    Map<String, String> q = new LinkedHashMap<>(p);
                    q.put(key, v);
                    next.add(q);
                }
            }
            points = next;
        }
        if (points.size() > MAX_POINTS && !yes) {
            throw new InvalidInputException("--sweep: %d points (%s); more than %d needs --yes", points.size(),
                    sweep.entrySet().stream().map(e -> e.getValue().split(",", -1).length + " values of " + e.getKey())
                            .collect(Collectors.joining(" x ")), MAX_POINTS);
        }
        return points;
    }

    /**
     * Builds and checks one point; an input error about a key of the point names where the value came from
     * ({@code origin}: {@code --sweep}, or a sweep file's line), not {@code --set} (the point's values reach the
     * workflow as settings).
     */
    static <T> T prepare(java.util.function.Supplier<T> build, Map<String, String> point, String origin) {
        try {
            return build.get();
        } catch (InvalidInputException e) {
            String message = e.getMessage();
            for (String key : point.keySet()) {
                message = message.replace("--set " + key + ":", origin + " " + key + ":")
                        .replace("--set " + key + "=", origin + " " + key + "=");
            }
            if (message.equals(e.getMessage())) {
                throw e;
            }
            throw new InvalidInputException("%s", message);
        }
    }

    /** {@code k=v k=v}: how a point is shown. */
    static String label(Map<String, String> point) {
        return point.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    /** The point's folder name under the sweep's output folder: {@code k=v_k=v}, safe characters only. */
    static String folder(Map<String, String> point) {
        return point.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("_")).replaceAll("[^A-Za-z0-9._=-]", "-");
    }
}
