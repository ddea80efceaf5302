package io.sdclr.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowGraph;
import io.sdclr.pipeline.cache.CodeFingerprint;
import io.sdclr.pipeline.store.Hashing;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code STORE/runs/RUN.json} keeps of a finished run: its id, workflow, every parameter with the value the run
 * used (defaults included) and the ones the user set, the code (one digest over the code fingerprints of its
 * steps), where and when it ran, each step's hit or miss with its time and artifact, the files it published and
 * the published results. {@code sdclr runs} lists these records and {@code sdclr show} prints one.
 */
public record RunRecord(
        String runId,
        String workflow,
        String status,
        String startedAt,
        String endedAt,
        double seconds,
        String runner,
        String sweep,
        Map<String, String> point,
        Map<String, String> machine,
        String codeId,
        Map<String, String> set,
        Map<String, String> params,
        long ran,
        long cached,
        List<StepStatus> steps,
        List<String> published,
        JsonNode results) {

    /** Value recorded for a parameter whose steps use different values. */
    public static final String VARIES = "(differs by step)";

    /**
     * The record of a finished run; {@code sweep} and {@code point} are the sweep's id and this point's swept
     * values for a point of {@code --sweep}, null otherwise.
     */
    public static RunRecord of(Workflow workflow, WorkflowGraph graph, Map<String, String> set, RunSummary summary,
            Instant start, Instant end, List<String> published, JsonNode results, String sweep,
            Map<String, String> point) {
        Map<String, String> params = new TreeMap<>();
        for (Workflow.Parameter p : workflow.parameters()) {
            params.put(p.param().key(), p.varies() ? VARIES : p.value());
        }
        return new RunRecord(summary.runId(), summary.workflow(), "ok", start.toString(), end.toString(),
                Duration.between(start, end).toMillis() / 1000.0, summary.runner(), sweep,
                point == null ? null : new LinkedHashMap<>(point), thisMachine(), codeId(graph),
                new TreeMap<>(set), params, summary.ran(), summary.cached(), summary.steps(), List.copyOf(published),
                results);
    }

    /** One digest over the code fingerprints of the workflow's steps (in step-name order). */
    public static String codeId(WorkflowGraph graph) {
        Map<String, String> codes = new TreeMap<>();
        for (WorkflowGraph.Node n : graph.steps()) {
            Step<?> s = n.step();
            codes.put(n.name(), CodeFingerprint.of(s.getClass()));
        }
        StringBuilder sb = new StringBuilder();
        codes.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return Hashing.sha256(sb.toString()).substring(0, 12);
    }

    private static Map<String, String> thisMachine() {
        Map<String, String> m = new LinkedHashMap<>();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        m.put("host", host);
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            m.put("memory", String.format(Locale.ROOT, "%.1f GiB", os.getTotalMemorySize() / (double) (1L << 30)));
        }
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }
}
