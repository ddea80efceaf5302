package io.sdclr.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a step promises about its output, declared once on the step ({@link Step#outputContract()}) and checked by
 * the runtime on the staged output before it is committed: an output that breaks its contract never enters the
 * store (the step fails, and a later run computes it again).
 *
 * <pre>{@code
 * public OutputContract<Encoder> outputContract() {                    // in Pretrain
 *   int epochs = get(EPOCHS);
 *   return OutputContract.<Encoder>exactly(1)
 *       .andEach("trained for " + epochs + " epochs with one loss per epoch",
 *           e -> e.getEpochs() == epochs && e.getLossPerEpoch().size() == epochs);
 * }
 * public OutputContract<Feature> outputContract() {                    // in ExtractFeatures
 *   return OutputContract.sameCountAs(images);                          // one feature per input image
 * }
 * }</pre>
 *
 * <p>A count rule is checked from the files' block headers, without decoding a record. {@link #andEach} and
 * {@link #andAll} decode every record, so they are meant for small outputs (an encoder, the splits, a report).
 *
 * @param <O> the step's output record type
 */
public final class OutputContract<O extends SpecificRecord> {
    private final String countRule;
    private final ToLongFunction<ToLongFunction<Artifact<?>>> min;
    private final ToLongFunction<ToLongFunction<Artifact<?>>> max;
    private final List<Rule<O>> each;
    private final List<Rule<List<O>>> all;

    private record Rule<T>(String description, Predicate<? super T> holds) {}

    private OutputContract(String countRule, ToLongFunction<ToLongFunction<Artifact<?>>> min,
            ToLongFunction<ToLongFunction<Artifact<?>>> max, List<Rule<O>> each, List<Rule<List<O>>> all) {
        this.countRule = countRule;
        this.min = min;
        this.max = max;
        this.each = List.copyOf(each);
        this.all = List.copyOf(all);
    }

    /** Exactly {@code n} records (one encoder, one probe result, one record per split). */
    public static <O extends SpecificRecord> OutputContract<O> exactly(long n) {
        checkCount(n);
        return new OutputContract<>("exactly " + n, in -> n, in -> n, List.of(), List.of());
    }

    /** At least {@code n} records; {@code atLeast(1)}: the output is never empty. */
    public static <O extends SpecificRecord> OutputContract<O> atLeast(long n) {
        checkCount(n);
        return new OutputContract<>("at least " + n, in -> n, in -> Long.MAX_VALUE, List.of(), List.of());
    }

    /** As many records as the input artifact {@code input} has (one feature per image). */
    public static <O extends SpecificRecord> OutputContract<O> sameCountAs(Artifact<?> input) {
        Objects.requireNonNull(input, "input");
        return new OutputContract<>("as many as its input " + input.producer() + " has",
                in -> in.applyAsLong(input), in -> in.applyAsLong(input), List.of(), List.of());
    }

    /** A copy that also requires every record to satisfy {@code holds}, described by {@code rule} in words. */
    public OutputContract<O> andEach(String rule, Predicate<? super O> holds) {
        List<Rule<O>> e = new ArrayList<>(each);
        e.add(new Rule<>(Objects.requireNonNull(rule, "rule"), Objects.requireNonNull(holds, "holds")));
        return new OutputContract<>(countRule, min, max, e, all);
    }

    /** A copy that also requires the records, taken together, to satisfy {@code holds} (every report file there). */
    public OutputContract<O> andAll(String rule, Predicate<? super List<O>> holds) {
        List<Rule<List<O>>> a = new ArrayList<>(all);
        a.add(new Rule<>(Objects.requireNonNull(rule, "rule"), Objects.requireNonNull(holds, "holds")));
        return new OutputContract<>(countRule, min, max, each, a);
    }

    /** True when checking this contract needs the records themselves, not only their count. */
    public boolean readsRecords() {
        return !each.isEmpty() || !all.isEmpty();
    }

    /**
     * The rules an output breaks, each in words; empty when it keeps them all.
     *
     * @param count the number of records of the output
     * @param inputRecords the record count of each input artifact of the step
     * @param records the output's records; iterated (once) only when {@link #readsRecords()}
     */
    public List<String> violations(long count, ToLongFunction<Artifact<?>> inputRecords,
            Iterable<? extends O> records) {
        List<String> out = new ArrayList<>();
        long lo = min.applyAsLong(inputRecords);
        long hi = max.applyAsLong(inputRecords);
        if (count < lo || count > hi) {
            String expected = lo == hi && !countRule.startsWith("exactly") ? countRule + " (" + lo + ")" : countRule;
            out.add("it holds " + count + " record" + (count == 1 ? "" : "s") + "; expected " + expected);
        }
        if (!readsRecords()) {
            return out;
        }
        long[] broken = new long[each.size()];
        long[] firstBroken = new long[each.size()];
        List<O> kept = all.isEmpty() ? null : new ArrayList<>();
        long index = 0;
        for (O r : records) {
            for (int i = 0; i < each.size(); i++) {
                if (!each.get(i).holds().test(r) && broken[i]++ == 0) {
                    firstBroken[i] = index;
                }
            }
            if (kept != null) {
                kept.add(r);
            }
            index++;
        }
        for (int i = 0; i < each.size(); i++) {
            if (broken[i] > 0) {
                out.add(String.format("record %d%s breaks the rule: %s", firstBroken[i],
                        broken[i] > 1 ? " (and " + (broken[i] - 1) + " more)" : "", each.get(i).description()));
            }
        }
        for (Rule<List<O>> rule : all) {
            if (!rule.holds().test(kept)) {
                out.add("its records break the rule: " + rule.description());
            }
        }
        return out;
    }

    /** The rules in words, for messages and tests: {@code exactly 1; each record: trained for 5 epochs}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(countRule).append(countRule.startsWith("as many") ? "" : " records");
        each.forEach(r -> s.append("; each record: ").append(r.description()));
        all.forEach(r -> s.append("; all records: ").append(r.description()));
        return s.toString();
    }

    private static void checkCount(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("a record count must be >= 0, was " + n);
        }
    }
}
