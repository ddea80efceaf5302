package io.sdclr.dsl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * A named graph of steps connected by typed artifacts. This is the grammar of the DSL:
 *
 * <pre>{@code
 * Workflow wf = Workflow.named("fmnist-lt");
 * Artifact<Image> data = wf.step("data", ReadIdx.from(dataDir));
 * Artifact<LongTailSplit> subset = wf.step("subset", BuildLongTail.from(data).nMax(4500).imbalance(100));
 * for (int k = 0; k < splits; k++) {
 *   Artifact<Encoder> enc = wf.step("pretrain-sdclr-s" + k, Pretrain.sdclr().on(data, subset, k));
 *   Artifact<Feature> feats = wf.step("features-sdclr-s" + k, ExtractFeatures.with(enc).of(data));
 *   wf.step("probe-sdclr-s" + k, ProbeLinear.on(feats).groupedBy(subset, k));
 * }
 * wf.publish(wf.step("report", WriteReport.of(wf.outputsOf(ProbeResult.class))));
 * }</pre>
 *
 * <ul>
 *   <li>{@link #step} adds a step under a stable name (lower case, digits and dashes) and returns the typed
 *       handle of its output; the name is the step's identity in the cache.
 *   <li>{@link #ref} names the output of a step declared later (or elsewhere); it is resolved, and its type
 *       checked, by {@link #validate}.
 *   <li>{@link #outputsOf} collects every artifact of a type declared so far (for a report step).
 *   <li>{@link #publish} marks an {@link OutputFile} artifact whose files the runtime writes to the output
 *       directory.
 * </ul>
 *
 * <p>Definition errors (unknown input, duplicate step name, type mismatch of a reference, cycle) are not thrown
 * one at a time: {@link #validate} collects them all and throws one {@link WorkflowDefinitionException} that
 * names every step involved and where it was declared.
 */
public final class Workflow {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private final String name;
    private final Params overrides;
    private final List<Declaration> declarations = new ArrayList<>();
    private final List<Artifact<OutputFile>> published = new ArrayList<>();

    /** A step as declared, with where it was declared (file:line) for error messages. */
    record Declaration(String name, Step<?> step, String location) {}

    /** A parameter of the workflow with its value: the step's, or the user's override; {@code varies} if steps differ. */
    public record Parameter(Param<?> param, String value, boolean varies) {}

    private Workflow(String name, Params overrides) {
        this.name = name;
        this.overrides = overrides;
    }

    /** A workflow whose steps keep the values its code gives them. */
    public static Workflow named(String name) {
        return named(name, Params.none());
    }

    /**
     * A workflow whose steps take the user's {@code overrides}: every step that declares a key gets the user's
     * value, whatever the workflow's code set; a key no step declares is an error of {@link #validate}.
     */
    public static Workflow named(String name, Params overrides) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "workflow name must be lower case letters, digits and dashes, was \"" + name + "\"");
        }
        return new Workflow(name, Objects.requireNonNull(overrides, "overrides"));
    }

    /** {@code step} as this workflow will run it: with the user's overrides of the parameters it declares. */
    @SuppressWarnings("unchecked")
    public <S extends Step<?>> S configure(S step) {
        return (S) step.overriddenBy(overrides);
    }

    public String name() {
        return name;
    }

    /** Adds a step and returns the handle of its output artifact. */
    public <O extends SpecificRecord> Artifact<O> step(String stepName, Step<O> step) {
        Objects.requireNonNull(stepName, "stepName");
        Objects.requireNonNull(step, "step");
        declarations.add(new Declaration(stepName, configure(step), callerLocation()));
        return new Artifact<>(this, stepName, step.outputType(), false);
    }

    /** A reference to the output of the step named {@code stepName}, resolved by {@link #validate}. */
    public <T extends SpecificRecord> Artifact<T> ref(String stepName, Class<T> type) {
        return new Artifact<>(this, stepName, type, true);
    }

    /** Every artifact of {@code type} declared so far, in declaration order. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> List<Artifact<T>> outputsOf(Class<T> type) {
        List<Artifact<T>> out = new ArrayList<>();
        for (Declaration d : declarations) {
            if (d.step().outputType().equals(type)) {
                out.add(new Artifact<>(this, d.name(), (Class<T>) d.step().outputType(), false));
            }
        }
        return out;
    }

    /** Marks an artifact of files to be written to the run's output directory. */
    public Workflow publish(Artifact<OutputFile> files) {
        published.add(Objects.requireNonNull(files, "files"));
        return this;
    }

    /**
     * Checks the whole definition and returns its steps in a deterministic topological order (declaration order
     * among independent steps).
     *
     * @throws WorkflowDefinitionException with every error found
     */
    public WorkflowGraph validate() {
        checkOverrideKeys();
        List<DefinitionError> errors = new ArrayList<>();
        if (declarations.isEmpty()) {
            errors.add(new DefinitionError(DefinitionError.Kind.EMPTY_WORKFLOW, "the workflow declares no steps."));
        }
        Map<String, Declaration> byName = new LinkedHashMap<>();
        for (Declaration d : declarations) {
            if (!NAME.matcher(d.name()).matches()) {
                errors.add(new DefinitionError(DefinitionError.Kind.INVALID_NAME, String.format(
                        "step name \"%s\" (%s) must be lower case letters, digits and dashes.", d.name(), d.location())));
            }
            Declaration first = byName.putIfAbsent(d.name(), d);
            if (first != null) {
                errors.add(new DefinitionError(DefinitionError.Kind.DUPLICATE_STEP, String.format(
                        "step name \"%s\" is used twice (%s and %s).", d.name(), first.location(), d.location())));
            }
        }
        Map<String, Param<?>> keys = new LinkedHashMap<>(overrides.read());
        for (Declaration d : byName.values()) {
            for (Param<?> p : d.step().params()) {
                Param<?> other = keys.putIfAbsent(p.key(), p);
                if (other != null && !other.sameDeclaration(p)) {
                    errors.add(new DefinitionError(DefinitionError.Kind.PARAMETER_CONFLICT, String.format(
                            "step \"%s\" (%s) declares %s differently from another step (%s, \"%s\" vs \"%s\").",
                            d.name(), d.location(), p.key(), other.typeName(), other.description(),
                            p.description())));
                }
            }
            for (String problem : d.step().problems()) {
                errors.add(new DefinitionError(DefinitionError.Kind.INVALID_PARAMETERS, String.format(
                        "step \"%s\" (%s): %s", d.name(), d.location(), problem)));
            }
        }
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (Declaration d : byName.values()) {
            List<String> deps = new ArrayList<>();
            for (Artifact<?> in : d.step().inputs()) {
                String where = String.format("step \"%s\" (%s)", d.name(), d.location());
                if (in.owner() != this) {
                    errors.add(new DefinitionError(DefinitionError.Kind.FOREIGN_INPUT, String.format(
                            "%s reads \"%s\", an artifact of another workflow.", where, in.producer())));
                    continue;
                }
                Declaration producer = byName.get(in.producer());
                if (producer == null) {
                    errors.add(new DefinitionError(DefinitionError.Kind.UNKNOWN_INPUT, String.format(
                            "%s reads \"%s\", which no step produces.", where, in.producer())));
                    continue;
                }
                if (!producer.step().outputType().equals(in.type())) {
                    errors.add(new DefinitionError(DefinitionError.Kind.TYPE_MISMATCH, String.format(
                            "%s reads \"%s\" as %s, but \"%s\" (%s) produces %s.", where, in.producer(),
                            in.type().getSimpleName(), producer.name(), producer.location(),
                            producer.step().outputType().getSimpleName())));
                    continue;
                }
                if (!deps.contains(in.producer())) {
                    deps.add(in.producer());
                }
            }
            edges.put(d.name(), deps);
        }
        for (Artifact<OutputFile> p : published) {
            if (!byName.containsKey(p.producer())) {
                errors.add(new DefinitionError(DefinitionError.Kind.UNKNOWN_INPUT, String.format(
                        "the workflow publishes \"%s\", which no step produces.", p.producer())));
            }
        }
        for (List<String> cycle : cycles(edges)) {
            List<String> quoted = new ArrayList<>();
            for (String s : cycle) {
                quoted.add("\"" + s + "\" (" + byName.get(s).location() + ")");
            }
            quoted.add("\"" + cycle.get(0) + "\"");
            errors.add(new DefinitionError(DefinitionError.Kind.CYCLE,
                    "steps form a cycle: " + String.join(" reads ", quoted) + "."));
        }
        if (!errors.isEmpty()) {
            throw new WorkflowDefinitionException(name, errors);
        }
        List<WorkflowGraph.Node> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        while (order.size() < byName.size()) {
            for (Declaration d : byName.values()) {
                if (!done.contains(d.name()) && done.containsAll(edges.get(d.name()))) {
                    done.add(d.name());
                    order.add(new WorkflowGraph.Node(d.name(), d.step(), edges.get(d.name()), d.location()));
                }
            }
        }
        List<String> publishedNames = new ArrayList<>();
        for (Artifact<OutputFile> p : published) {
            publishedNames.add(p.producer());
        }
        return new WorkflowGraph(name, order, publishedNames);
    }

    /**
     * Every parameter of this workflow, in the order steps declare them (then those the workflow read while it was
     * built), with the value the steps have.
     */
    public List<Parameter> parameters() {
        Map<String, Param<?>> params = new LinkedHashMap<>();
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (Declaration d : declarations) {
            for (Map.Entry<String, String> e : d.step().paramValues().entrySet()) {
                params.putIfAbsent(e.getKey(), d.step().declared(e.getKey()));
                values.computeIfAbsent(e.getKey(), k -> new java.util.LinkedHashSet<>()).add(e.getValue());
            }
        }
        for (Param<?> p : overrides.read().values()) {
            if (params.putIfAbsent(p.key(), p) == null) {
                values.put(p.key(), Set.of(valueText(p)));
            }
        }
        List<Parameter> out = new ArrayList<>();
        params.forEach((k, p) -> out.add(new Parameter(p, values.get(k).iterator().next(), values.get(k).size() > 1)));
        return out;
    }

    private <T> String valueText(Param<T> p) {
        return p.text(overrides.get(p));
    }

    /** The user set a key that neither a step nor the workflow declares: an input error listing the valid keys. */
    private void checkOverrideKeys() {
        Set<String> valid = new java.util.LinkedHashSet<>();
        parameters().forEach(p -> valid.add(p.param().key()));
        for (String key : overrides.overrides().keySet()) {
            if (!valid.contains(key)) {
                throw new InvalidInputException("--set %s: unknown parameter; valid parameters: %s", key,
                        String.join(", ", valid));
            }
        }
    }

    /** Each elementary cycle found by depth-first search, reported once, starting at its first-declared step. */
    private static List<List<String>> cycles(Map<String, List<String>> edges) {
        List<List<String>> found = new ArrayList<>();
        Set<Set<String>> seen = new HashSet<>();
        Map<String, Integer> state = new HashMap<>();
        for (String start : edges.keySet()) {
            if (state.getOrDefault(start, 0) == 0) {
                Deque<String> path = new ArrayDeque<>();
                dfs(start, edges, state, path, found, seen);
            }
        }
        return found;
    }

    private static void dfs(String node, Map<String, List<String>> edges, Map<String, Integer> state,
            Deque<String> path, List<List<String>> found, Set<Set<String>> seen) {
        state.put(node, 1);
        path.addLast(node);
        for (String next : edges.getOrDefault(node, List.of())) {
            int s = state.getOrDefault(next, 0);
            if (s == 0) {
                dfs(next, edges, state, path, found, seen);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>();
                boolean in = false;
                for (String p : path) {
                    in |= p.equals(next);
                    if (in) {
                        cycle.add(p);
                    }
                }
                if (seen.add(new HashSet<>(cycle))) {
                    // The path walks producer edges (a reads b); report in reading order.
                    found.add(Collections.unmodifiableList(cycle));
                }
            }
        }
        path.removeLast();
        state.put(node, 2);
    }

    private static String callerLocation() {
        return StackWalker.getInstance()
                .walk(frames -> frames
                        .filter(f -> !f.getClassName().equals(Workflow.class.getName())
                                && !f.getClassName().startsWith(Workflow.class.getName() + "$"))
                        .findFirst()
                        .map(f -> f.getFileName() + ":" + f.getLineNumber())
                        .orElse("unknown location"));
    }
}
