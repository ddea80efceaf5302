package io.sdclr.pipeline.run;

import java.util.List;

/** What one run did. */
public record RunSummary(String workflow, String runId, String runner, List<StepStatus> steps) {
    public RunSummary {
        steps = List.copyOf(steps);
    }

    public long ran() {
        return steps.stream().filter(s -> !s.hit()).count();
    }

    public long cached() {
        return steps.stream().filter(StepStatus::hit).count();
    }

    public String digestOf(String step) {
        return steps.stream().filter(s -> s.name().equals(step)).findFirst().map(StepStatus::digest).orElse(null);
    }
}
