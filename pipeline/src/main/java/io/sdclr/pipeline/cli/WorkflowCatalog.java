package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.WorkflowDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The workflows on the class path ({@code META-INF/services/io.sdclr.dsl.WorkflowDefinition}). */
public final class WorkflowCatalog {
    private final List<WorkflowDefinition> definitions = new ArrayList<>();

    public WorkflowCatalog() {
        ServiceLoader.load(WorkflowDefinition.class).forEach(definitions::add);
    }

    public List<WorkflowDefinition> all() {
        return definitions;
    }

    public WorkflowDefinition get(String name) {
        for (WorkflowDefinition d : definitions) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new InvalidInputException("unknown workflow \"%s\"; valid workflows: %s", name,
                String.join(", ", definitions.stream().map(WorkflowDefinition::name).toList()));
    }
}
