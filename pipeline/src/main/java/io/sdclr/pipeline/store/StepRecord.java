package io.sdclr.pipeline.store;

import java.util.Map;

/**
 * What the last run of a step used: its cache key and everything that went into it. Compared with the current
 * inputs to explain a miss ({@code parameter probe.lr changed 30 -> 10}).
 */
public record StepRecord(
        String key,
        String digest,
        String code,
        int version,
        Map<String, String> params,
        Map<String, String> inputs,
        Map<String, String> external) {}
