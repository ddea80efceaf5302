package io.sdclr.pipeline.run;

/**
 * What a run does, or did, with one step.
 *
 * @param name step name
 * @param hit true when served from the cache
 * @param reason why it is a hit or a miss, in words ({@code parameter probe.lr changed 30 -> 10})
 * @param key cache key; in a plan, for a step whose inputs are not computed yet, its planned key: the key over
 *     the planned keys of those inputs (two plans' steps with the same planned key compute the same thing)
 * @param digest artifact digest when known
 * @param seconds wall time when it ran
 */
public record StepStatus(String name, boolean hit, String reason, String key, String digest, double seconds) {
    /** One line of {@code sdclr plan}: {@code STEP hit|miss REASON}. */
    public String planLine() {
        return name + " " + (hit ? "hit" : "miss") + " " + reason;
    }
}
