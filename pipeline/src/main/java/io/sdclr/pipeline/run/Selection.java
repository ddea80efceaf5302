package io.sdclr.pipeline.run;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.WorkflowGraph;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Set;

/** The steps a request considers ({@code --to}), and those it forces ({@code --from}, {@code --force}). */
record Selection(List<WorkflowGraph.Node> nodes, Set<String> forced, Map<String, String> forceReasons,
        Set<String> upstreamOfFrom, String from) {

    static Selection of(WorkflowGraph graph, RunRequest req) {
        List<String> names = graph.steps().stream().map(WorkflowGraph.Node::name).toList();
        for (String s : req.force()) {
            requireStep(graph, "--force", s, names);
        }
        req.from().ifPresent(s -> requireStep(graph, "--from", s, names));
        req.to().ifPresent(s -> requireStep(graph, "--to", s, names));
        Set<String> considered = new LinkedHashSet<>(names);
        if (req.to().isPresent()) {
            considered = ancestors(graph, req.to().get());
            considered.add(req.to().get());
        }
        Map<String, String> reasons = new HashMap<>();
        Set<String> forced = new HashSet<>();
        for (String s : req.force()) {
            if (considered.contains(s)) {
                forced.add(s);
                reasons.put(s, "forced by --force " + s);
            }
        }
        Set<String> upstream = Set.of();
        if (req.from().isPresent()) {
            String from = req.from().get();
            upstream = ancestors(graph, from);
            for (String s : descendants(graph, from)) {
                if (considered.contains(s)) {
                    forced.add(s);
                    reasons.putIfAbsent(s, "forced by --from " + from);
                }
            }
        }
        List<WorkflowGraph.Node> nodes = new ArrayList<>();
        for (WorkflowGraph.Node n : graph.steps()) {
            if (considered.contains(n.name())) {
                nodes.add(n);
            }
        }
        return new Selection(nodes, forced, reasons, upstream, req.from().orElse(null));
    }

    String forceReason(String step) {
        return forceReasons.getOrDefault(step, "forced");
    }

    /** With {@code --from S}, every step upstream of S must come from the cache. */
    void checkNotUpstreamOfFrom(String step) {
        if (upstreamOfFrom.contains(step)) {
            throw new InvalidInputException(
                    "--from %s: step %s upstream of it has no cached result; run without --from first", from, step);
        }
    }

    private static void requireStep(WorkflowGraph graph, String option, String step, List<String> names) {
        if (graph.node(step).isEmpty()) {
            throw new InvalidInputException("%s %s: workflow %s has no such step; its steps are: %s", option, step,
                    graph.name(), String.join(", ", names));
        }
    }

    static Set<String> ancestors(WorkflowGraph graph, String step) {
        Set<String> out = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(graph.node(step).orElseThrow().inputs());
        while (!todo.isEmpty()) {
            String s = todo.remove(todo.size() - 1);
            if (out.add(s)) {
                todo.addAll(graph.node(s).orElseThrow().inputs());
            }
        }
        return out;
    }

    static Set<String> descendants(WorkflowGraph graph, String step) {
        Set<String> out = new LinkedHashSet<>();
        out.add(step);
        for (WorkflowGraph.Node n : graph.steps()) { // Topological order: parents come first.
            if (n.inputs().stream().anyMatch(out::contains)) {
                out.add(n.name());
            }
        }
        return out;
    }
}
