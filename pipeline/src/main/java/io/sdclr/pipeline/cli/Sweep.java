package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The points of {@code --sweep KEY=V1,V2 ...}: every combination of the values, the first key varying slowest.
 * Each point is the workflow built with the point's values set, so a sweep needs no step code of its own, and the
 * steps two points share (same cache key) are computed once.
 */
final class Sweep {
    static final int MAX_POINTS = 64;

    private Sweep() {}

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
     * Builds and checks one point; an input error about a swept key names it as {@code --sweep}, the option the
     * user typed (the point's values reach the workflow as settings).
     */
    static <T> T prepare(java.util.function.Supplier<T> build, Map<String, String> point) {
        try {
            return build.get();
        } catch (InvalidInputException e) {
            String message = e.getMessage();
            for (String key : point.keySet()) {
                message = message.replace("--set " + key + ":", "--sweep " + key + ":")
                        .replace("--set " + key + "=", "--sweep " + key + "=");
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
