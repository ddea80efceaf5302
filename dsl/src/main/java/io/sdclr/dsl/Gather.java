package io.sdclr.dsl;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Brings every element of a collection to one place, as one {@code Iterable}: for steps whose work is one
 * computation over the whole input (a training loop, a probe). The input order is unspecified; consumers sort.
 *
 * <pre>{@code
 * PCollection<Iterable<Feature>> all = features.apply("gather", Gather.all());
 * }</pre>
 */
public final class Gather<T> extends PTransform<PCollection<T>, PCollection<Iterable<T>>> {
    private static final long serialVersionUID = 1L;

    private Gather() {}

    public static <T> Gather<T> all() {
        return new Gather<>();
    }

    @Override
    public PCollection<Iterable<T>> expand(PCollection<T> input) {
        Coder<T> coder = input.getCoder();
        return input
                .apply("key", WithKeys.<Integer, T>of(0).withKeyType(TypeDescriptors.integers()))
                .setCoder(KvCoder.of(VarIntCoder.of(), coder))
                .apply("group", GroupByKey.create())
                .apply("values", Values.create())
                .setCoder(IterableCoder.of(coder));
    }
}
