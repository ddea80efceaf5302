package io.sdclr.dsl;

import java.util.List;

/**
 * A workflow users run by name ({@code ./sdclr run NAME}). Implementations are found with
 * {@link java.util.ServiceLoader}: list them in {@code META-INF/services/io.sdclr.dsl.WorkflowDefinition}.
 *
 * <pre>{@code
 * public final class Smoke implements WorkflowDefinition {
 *   static final Param<Integer> EPOCHS = Param.integer("pretrain.epochs", 1, "pretraining epochs").atLeast(1);
 *   public String name() { return "smoke"; }
 *   public String description() { return "a one-minute end-to-end check"; }
 *   public List<Param<?>> params() { return List.of(EPOCHS); }
 *   public Workflow build(Params p) { ... }
 * }
 * }</pre>
 */
public interface WorkflowDefinition {
    String name();

    /** One line for {@code ./sdclr list}. */
    String description();

    /** Every parameter, with its default; {@code --set} accepts exactly these keys. */
    List<Param<?>> params();

    /** Builds the workflow for these parameter values. */
    Workflow build(Params params);
}
