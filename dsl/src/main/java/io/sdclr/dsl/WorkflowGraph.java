package io.sdclr.dsl;

import java.util.List;
import java.util.Optional;

/** A validated workflow: its steps in topological order and the steps whose files it publishes. */
public record WorkflowGraph(String name, List<Node> steps, List<String> published) {
    /** A step with the names of the steps it reads, and where it was declared. */
    public record Node(String name, Step<?> step, List<String> inputs, String location) {
        public Node {
            inputs = List.copyOf(inputs);
        }
    }

    public WorkflowGraph {
        steps = List.copyOf(steps);
        published = List.copyOf(published);
    }

    public Optional<Node> node(String stepName) {
        return steps.stream().filter(n -> n.name().equals(stepName)).findFirst();
    }
}
