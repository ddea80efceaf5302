package io.sdclr.dsl;

/**
 * A workflow users run by name ({@code ./sdclr run NAME}). Implementations are found with
 * {@link java.util.ServiceLoader}: list them in {@code META-INF/services/io.sdclr.dsl.WorkflowDefinition}.
 *
 * <pre>{@code
 * public final class Smoke implements WorkflowDefinition {
 *   public String name() { return "smoke"; }
 *   public String description() { return "a one-minute end-to-end check"; }
 *   public Workflow build(Params p) {
 *     Workflow wf = Workflow.named(name(), p);        // --set values reach every step declaring the key
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>The workflow's parameters are those its steps declare ({@link Step#params()}) plus those it reads with
 * {@link Params#get} while it is built; their defaults are the values its code gives the steps.
 */
public interface WorkflowDefinition {
    String name();

    /** One line for {@code ./sdclr list}. */
    String description();

    /** Builds the workflow with the user's overrides (pass them to {@link Workflow#named(String, Params)}). */
    Workflow build(Params params);
}
