package io.sdclr.pipeline.run;

import io.sdclr.pipeline.cache.CacheKey;
import io.sdclr.pipeline.store.StepRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Says in words why a step misses the cache, by comparing its key with what its last run used. */
final class MissExplainer {
    private MissExplainer() {}

    static String explain(CacheKey now, Optional<StepRecord> last) {
        if (last.isEmpty()) {
            return "never run";
        }
        StepRecord before = last.get();
        if (before.key().equals(now.key())) {
            return "cached artifact " + shortDigest(before.digest()) + " is missing or damaged";
        }
        List<String> reasons = new ArrayList<>();
        if (!before.code().equals(now.code())) {
            reasons.add("code changed");
        }
        if (before.version() != now.version()) {
            reasons.add("version changed " + before.version() + " -> " + now.version());
        }
        for (String k : union(before.params(), now.params())) {
            String a = before.params().get(k);
            String b = now.params().get(k);
            // Parameters under the key a user types (--set probe.lr=10); settings of the workflow's code apart.
            String what = k.startsWith(CacheKey.SETTING)
                    ? "setting " + k.substring(CacheKey.SETTING.length()) : "parameter " + k;
            if (a == null) {
                reasons.add(what + " added = " + b);
            } else if (b == null) {
                reasons.add(what + " removed (was " + a + ")");
            } else if (!a.equals(b)) {
                reasons.add(what + " changed " + a + " -> " + b);
            }
        }
        for (String k : union(before.inputs(), now.inputs())) {
            String a = before.inputs().get(k);
            String b = now.inputs().get(k);
            if (a == null || b == null || !a.equals(b)) {
                reasons.add("input " + k + " changed"
                        + (a != null && b != null ? " " + shortDigest(a) + " -> " + shortDigest(b) : ""));
            }
        }
        for (String k : union(before.external(), now.external())) {
            String a = before.external().get(k);
            String b = now.external().get(k);
            if (a == null || b == null || !a.equals(b)) {
                reasons.add("file " + k + " changed");
            }
        }
        if (reasons.isEmpty()) {
            // Same inputs as some earlier key but not the last one: e.g. a parameter set back to its old value.
            return "no cached result for key " + now.shortKey();
        }
        return String.join("; ", reasons);
    }

    static String shortDigest(String d) {
        return d == null ? "?" : d.substring(0, Math.min(12, d.length()));
    }

    private static TreeSet<String> union(Map<String, String> a, Map<String, String> b) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }
}
