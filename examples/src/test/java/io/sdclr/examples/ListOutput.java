package io.sdclr.examples;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code sdclr list} prints, read back: for each workflow, its parameter keys with the values shown. */
final class ListOutput {
    /** Shown instead of a value when the workflow's steps have different values of the key. */
    static final String DIFFERS = "(differs by step)";

    private static final Pattern WORKFLOW = Pattern.compile("([a-z0-9][a-z0-9-]*) - .*");
    // "    KEY  = VALUE  TYPE  DESCRIPTION"; the value is padded and may be empty or hold spaces ("(differs by step)").
    private static final Pattern PARAMETER = Pattern.compile(
            "    (\\S+)\\s+= (.*?)\\s+(integer|number|text|true\\|false|integers|numbers)( .*)?");

    private final Map<String, Map<String, String>> workflows;

    private ListOutput(Map<String, Map<String, String>> workflows) {
        this.workflows = workflows;
    }

    /** Runs {@code sdclr list} through the real CLI and reads its output. */
    static ListOutput run() {
        Cli.Result r = Cli.run("list");
        assertWithMessage("sdclr list: %s", r.err()).that(r.exitCode()).isEqualTo(0);
        return parse(r.out());
    }

    static ListOutput parse(String out) {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : out.split("\n")) {
            Matcher w = WORKFLOW.matcher(line);
            Matcher p = PARAMETER.matcher(line);
            if (w.matches()) {
                current = new LinkedHashMap<>();
                all.put(w.group(1), current);
            } else if (p.matches()) {
                assertWithMessage("parameter line before any workflow: %s", line).that(current).isNotNull();
                String before = current.put(p.group(1), p.group(2).strip());
                assertWithMessage("key %s listed twice", p.group(1)).that(before).isNull();
            } else {
                assertWithMessage("a line of sdclr list that is neither a workflow nor a parameter")
                        .that(line.strip()).isEmpty();
            }
        }
        return new ListOutput(Collections.unmodifiableMap(all));
    }

    List<String> workflows() {
        return new ArrayList<>(workflows.keySet());
    }

    /** The keys listed for {@code workflow}, in listed order, with the values shown. */
    Map<String, String> parameters(String workflow) {
        Map<String, String> m = workflows.get(workflow);
        assertWithMessage("sdclr list shows workflow %s", workflow).that(m).isNotNull();
        return Collections.unmodifiableMap(m);
    }

    /** A value of {@code key} shown for some workflow (not {@link #DIFFERS}), or null. */
    String someValueOf(String key) {
        for (Map<String, String> m : workflows.values()) {
            String v = m.get(key);
            if (v != null && !v.equals(DIFFERS)) {
                return v;
            }
        }
        return null;
    }
}
