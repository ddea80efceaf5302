package io.sdclr.dsl;

import java.util.List;
import org.apache.beam.sdk.values.PCollection;

/** Minimal steps for definition-time tests (never run). */
final class TestSteps {
    private TestSteps() {}

    static final class Source extends Step<OutputFile> {
        Source() {
            super(OutputFile.class);
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

    static final class Reads extends Step<OutputFile> {
        private final List<Artifact<?>> inputs;

        Reads(Artifact<?>... inputs) {
            super(OutputFile.class);
            this.inputs = List.of(inputs);
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
