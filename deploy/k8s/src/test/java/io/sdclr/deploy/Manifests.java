package io.sdclr.deploy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.CrdConstants;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * Reads Kubernetes manifests into the Flink Kubernetes Operator's model ({@link FlinkDeployment}) and fabric8's
 * ({@link Job}, {@link PersistentVolumeClaim}), as strictly as a schema check: a kind outside those three, a duplicate
 * key, or any field the model does not know is a problem. The operator's spec classes ignore unknown fields
 * ({@code @JsonIgnoreProperties(ignoreUnknown = true)}) and fabric8's keep them in {@code additionalProperties}, so
 * both are checked explicitly: every key of the YAML must come back when the model is written out again, and no
 * {@code additionalProperties} may hold anything.
 */
final class Manifests {
    static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

    /** apiVersion + " " + kind -> model class. */
    private static final Map<String, Class<?>> KINDS = Map.of(
            CrdConstants.API_GROUP + "/" + CrdConstants.API_VERSION + " " + CrdConstants.KIND_FLINK_DEPLOYMENT,
            FlinkDeployment.class,
            "batch/v1 Job", Job.class,
            "v1 PersistentVolumeClaim", PersistentVolumeClaim.class);

    /** One YAML document: where it is, and what it parsed into. */
    record Doc(String where, Object model) {}

    final List<Doc> docs = new ArrayList<>();
    final List<String> problems = new ArrayList<>();

    /** The {@code *.yaml} files of a folder, by file name. */
    static Map<String, String> filesIn(Path dir) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted()
                    .collect(Collectors.toList())) {
                files.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no *.yaml in " + dir);
        }
        return files;
    }

    static Manifests parse(Map<String, String> files) {
        Manifests m = new Manifests();
        for (Map.Entry<String, String> f : files.entrySet()) {
            int index = 0;
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.getValue())) {
                while (it.hasNextValue()) {
                    JsonNode tree = it.nextValue();
                    index++;
                    if (tree == null || tree.isNull() || tree.isEmpty()) {
                        continue;
                    }
                    m.parseOne(f.getKey() + " #" + index, tree);
                }
            } catch (IOException | RuntimeException e) {
                m.problems.add(f.getKey() + " #" + (index + 1) + ": not valid YAML for its kind: " + e.getMessage());
            }
        }
        return m;
    }

    private void parseOne(String where, JsonNode tree) throws IOException {
        String key = tree.path("apiVersion").asText() + " " + tree.path("kind").asText();
        Class<?> type = KINDS.get(key);
        if (type == null) {
            problems.add(where + ": apiVersion/kind '" + key + "' is none of " + new TreeSet<>(KINDS.keySet()));
            return;
        }
        String name = tree.path("metadata").path("name").asText();
        where = where + " (" + tree.path("kind").asText() + " " + name + ")";
        Object model = YAML.treeToValue(tree, type);
        compare(where, "", tree, YAML.valueToTree(model));
        walk(where, "", model, Collections.newSetFromMap(new IdentityHashMap<>()));
        docs.add(new Doc(where, model));
    }

    /** Every key and value of the YAML must be in the model written out again: nothing ignored or dropped. */
    private void compare(String where, String path, JsonNode in, JsonNode out) {
        if (in.isObject()) {
            if (out == null || !out.isObject()) {
                problems.add(where + ": " + path + " is not an object in the model");
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode o = out.get(e.getKey());
                if (o == null || o.isNull() && !e.getValue().isNull()) {
                    problems.add(where + ": unknown field " + path + "." + e.getKey() + " (the model has no such field)");
                } else {
                    compare(where, path + "." + e.getKey(), e.getValue(), o);
                }
            }
        } else if (in.isArray()) {
            if (out == null || !out.isArray() || out.size() != in.size()) {
                problems.add(where + ": " + path + " does not come back as the same list");
                return;
            }
            for (int i = 0; i < in.size(); i++) {
                compare(where, path + "[" + i + "]", in.get(i), out.get(i));
            }
        } else if (!sameScalar(in, out)) {
            problems.add(where + ": " + path + " = '" + in.asText() + "' reads as '" + (out == null ? null : out.asText())
                    + "'");
        }
    }

    private static boolean sameScalar(JsonNode in, JsonNode out) {
        if (out == null || out.isContainerNode()) {
            return false;
        }
        if (in.asText().equals(out.asText())) {
            return true;
        }
        try {
            return new BigDecimal(in.asText()).compareTo(new BigDecimal(out.asText())) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** fabric8 keeps fields it does not know in additionalProperties: any there is an unknown field. */
    private void walk(String where, String path, Object o, Set<Object> seen) {
        if (o == null || o instanceof CharSequence || o instanceof Number || o instanceof Boolean || o instanceof Enum
                || !seen.add(o)) {
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(where, path + "." + k, v, seen));
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object v : c) {
                walk(where, path + "[" + i++ + "]", v, seen);
            }
            return;
        }
        String cls = o.getClass().getName();
        if (!cls.startsWith("io.fabric8.") && !cls.startsWith("org.apache.flink.kubernetes.")) {
            return;
        }
        for (Class<?> k = o.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Object v;
                try {
                    f.setAccessible(true);
                    v = f.get(o);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (f.getName().equals("additionalProperties") && v instanceof Map<?, ?> extra) {
                    if (!extra.isEmpty()) {
                        problems.add(where + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "." : path));
                    }
                } else {
                    walk(where, path + "." + f.getName(), v, seen);
                }
            }
        }
    }

    <T> List<T> all(Class<T> type) {
        return docs.stream().map(Doc::model).filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }
}
