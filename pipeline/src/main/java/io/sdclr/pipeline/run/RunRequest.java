package io.sdclr.pipeline.run;

import java.util.Optional;
import java.util.Set;

/**
 * Which steps of a workflow to consider and which to recompute.
 *
 * @param from re-run this step and everything downstream of it; its upstream must be cached
 * @param to stop after this step (only it and its upstream are considered)
 * @param force re-run these steps even if cached
 */
public record RunRequest(Optional<String> from, Optional<String> to, Set<String> force) {
    public static RunRequest all() {
        return new RunRequest(Optional.empty(), Optional.empty(), Set.of());
    }

    public RunRequest {
        force = Set.copyOf(force);
    }
}
