package io.sdclr.dsl;

import java.util.List;

/**
 * A workflow that cannot run, with every problem found, numbered, in one message:
 *
 * <pre>
 * Workflow "fmnist-lt" has 2 errors:
 * 1) [UNKNOWN_INPUT] step "probe" (FmnistLt.java:44) reads "features-sdclr", which no step produces.
 * 2) [DUPLICATE_STEP] step name "pretrain" is used twice (FmnistLt.java:41 and FmnistLt.java:57).
 * </pre>
 */
public final class WorkflowDefinitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<DefinitionError> errors;

    public WorkflowDefinitionException(String workflow, List<DefinitionError> errors) {
        super(format(workflow, errors));
        this.errors = List.copyOf(errors);
    }

    public List<DefinitionError> errors() {
        return errors;
    }

    private static String format(String workflow, List<DefinitionError> errors) {
        StringBuilder sb = new StringBuilder();
        sb.append("Workflow \"").append(workflow).append("\" has ").append(errors.size())
                .append(errors.size() == 1 ? " error:" : " errors:");
        for (int i = 0; i < errors.size(); i++) {
            sb.append('\n').append(i + 1).append(") ").append(errors.get(i));
        }
        return sb.toString();
    }
}
