package io.sdclr.steps.data;

import io.sdclr.dsl.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Fails the pipeline once, after decoding, if any image was rejected: the message counts them all and lists the
 * first ones by image id, so a user fixes every bad file in one pass instead of one per run.
 *
 * <pre>{@code
 * decoded.get(failures).apply("fail on bad images", new FailOnBadImages());   // KV<image id, message>
 * }</pre>
 *
 * <p>The listed failures are those with the smallest ids, whatever the parallelism: the same message on every run.
 */
final class FailOnBadImages extends PTransform<PCollection<KV<Long, String>>, PDone> {
    private static final long serialVersionUID = 1L;
    static final int LISTED = 20;

    @Override
    public PDone expand(PCollection<KV<Long, String>> failures) {
        failures.apply("collect", Combine.globally(new Collect()).withoutDefaults())
                .apply("fail", ParDo.of(new Fail()));
        return PDone.in(failures.getPipeline());
    }

    /** The number of failures and the {@link #LISTED} with the smallest ids. */
    static final class Failures implements Serializable {
        private static final long serialVersionUID = 1L;
        long count;
        final TreeMap<Long, String> first = new TreeMap<>();

        void add(long id, String message) {
            count++;
            first.put(id, message);
            if (first.size() > LISTED) {
                first.pollLastEntry();
            }
        }

        // Beam compares accumulators by value when it checks that a DoFn did not mutate its input.
        @Override
        public boolean equals(Object o) {
            return o instanceof Failures f && f.count == count && f.first.equals(first);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(count) * 31 + first.hashCode();
        }

        String message() {
            List<String> lines = new ArrayList<>(first.values());
            return String.format("%d image(s) could not be read:%n  %s%s", count,
                    String.join(String.format("%n  "), lines),
                    count > lines.size() ? String.format("%n  ... and %d more", count - lines.size()) : "");
        }
    }

    static final class Collect extends Combine.CombineFn<KV<Long, String>, Failures, Failures> {
        private static final long serialVersionUID = 1L;

        @Override
        public Failures createAccumulator() {
            return new Failures();
        }

        @Override
        public Failures addInput(Failures acc, KV<Long, String> failure) {
            acc.add(failure.getKey(), failure.getValue());
            return acc;
        }

        @Override
        public Failures mergeAccumulators(Iterable<Failures> accs) {
            Failures merged = new Failures();
            for (Failures a : accs) {
                for (Map.Entry<Long, String> e : a.first.entrySet()) {
                    merged.add(e.getKey(), e.getValue());
                }
                merged.count += a.count - a.first.size();
            }
            return merged;
        }

        @Override
        public Failures extractOutput(Failures acc) {
            return acc;
        }

        @Override
        public Coder<Failures> getAccumulatorCoder(CoderRegistry registry, Coder<KV<Long, String>> input) {
            return SerializableCoder.of(Failures.class);
        }

        @Override
        public Coder<Failures> getDefaultOutputCoder(CoderRegistry registry, Coder<KV<Long, String>> input) {
            return SerializableCoder.of(Failures.class);
        }
    }

    static final class Fail extends DoFn<Failures, Void> {
        private static final long serialVersionUID = 1L;

        @ProcessElement
        public void process(@Element Failures failures) {
            throw new InvalidInputException("%s", failures.message());
        }
    }
}
