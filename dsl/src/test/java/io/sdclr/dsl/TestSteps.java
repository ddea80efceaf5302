package io.sdclr.dsl;

import java.util.List;
import org.apache.beam.sdk.values.PCollection;

/** Minimal steps for definition-time tests (never run). */
final class TestSteps {
    private TestSteps() {}

    record NoParams() {}

    static final class Source extends Step<NoParams, OutputFile> {
        Source() {
            super("source", OutputFile.class);
        }

        @Override
        public NoParams params() {
            return new NoParams();
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of();
        }

        @Override
        public PCollection<OutputFile> expand(StepInput input) {
            throw new UnsupportedOperationException("definition-time test step");
        }
    }

    static final class Reads extends Step<NoParams, OutputFile> {
        private final List<Artifact<?>> inputs;

        Reads(Artifact<?>... inputs) {
            super("reads", OutputFile.class);
            this.inputs = List.of(inputs);
        }

        @Override
        public NoParams params() {
            return new NoParams();
        }

        @Override
        public List<Artifact<?>> inputs() {
            return inputs;
        }

        @Override
        public PCollection<OutputFile> expand(StepInput input) {
            throw new UnsupportedOperationException("definition-time test step");
        }
    }
}
