package io.sdclr.pipeline.cache;

import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.pipeline.store.Hashing;
import io.sdclr.pipeline.store.StepRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cache key of a step = SHA-256 of (step name, code fingerprint, version, parameters by their {@code --set} key,
 * settings, content digests of its inputs, SHA-256 of its external files). Runner, threads, device and
 * execution-only parameters are deliberately absent.
 *
 * <p>{@code params} holds the parameters under their user keys ({@code probe.lr}) and the settings under
 * {@code setting:NAME}, so the reasons {@code plan} gives name exactly what a user can type.
 */
public record CacheKey(
        String key,
        String step,
        String code,
        int version,
        TreeMap<String, String> params,
        TreeMap<String, String> inputs,
        TreeMap<String, String> external) {

    /** Prefix of the entries of {@link #params} that are settings of the workflow's code, not parameters. */
    public static final String SETTING = "setting:";

    public static CacheKey of(String stepName, Step<?> step, Map<String, String> inputDigests) {
        TreeMap<String, String> params = new TreeMap<>();
        Map<String, String> values = step.paramValues();
        for (Param<?> p : step.params()) {
            if (!p.isExecutionOnly()) {
                params.put(p.key(), values.get(p.key()));
            }
        }
        step.settings().forEach((k, v) -> params.put(SETTING + k, v));
        TreeMap<String, String> inputs = new TreeMap<>(inputDigests);
        TreeMap<String, String> external = new TreeMap<>();
        for (Path p : step.externalInputs()) {
            if (Files.isRegularFile(p)) {
                external.put(p.toAbsolutePath().normalize().toString(), Hashing.sha256(p));
            } else {
                external.put(p.toAbsolutePath().normalize().toString(), "missing");
            }
        }
        String code = CodeFingerprint.of(step.getClass());
        StringBuilder sb = new StringBuilder();
        sb.append("step=").append(stepName).append('\n');
        sb.append("code=").append(code).append('\n');
        sb.append("version=").append(step.version()).append('\n');
        params.forEach((k, v) -> sb.append("param ").append(k).append('=').append(v).append('\n'));
        inputs.forEach((k, v) -> sb.append("input ").append(k).append('=').append(v).append('\n'));
        external.forEach((k, v) -> sb.append("file ").append(k).append('=').append(v).append('\n'));
        return new CacheKey(Hashing.sha256(sb.toString()), stepName, code, step.version(), params, inputs, external);
    }

    public StepRecord toRecord(String digest) {
        return new StepRecord(key, digest, code, version, params, inputs, external);
    }

    public String shortKey() {
        return key.substring(0, 12);
    }
}
