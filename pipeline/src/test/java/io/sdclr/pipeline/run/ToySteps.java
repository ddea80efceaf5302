package io.sdclr.pipeline.run;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.OutputFile;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepContext;
import io.sdclr.dsl.StepInput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;

/** Small real steps for runtime tests: they run on Beam and write Avro like the product's steps. */
final class ToySteps {
    private ToySteps() {}

    static OutputFile file(String path, String content) {
        return OutputFile.newBuilder().setPath(path)
                .setContent(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8))).build();
    }

    static String text(OutputFile f) {
        ByteBuffer b = f.getContent().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Emits {@code count} records "name-i"; {@code unused} changes the key but not the output. */
    static final class Emit extends Step<OutputFile> {
        static final Param<Integer> COUNT = Param.integer("emit.count", 1, "records to emit").atLeast(0);
        static final Param<Integer> UNUSED = Param.integer("emit.unused", 0, "changes the key, not the output");

        Emit(int count, int unused) {
            super(OutputFile.class, COUNT, UNUSED);
        }

        static Emit of(int count, int unused) {
            Emit e = new Emit(count, unused).withParam(COUNT, count);
            return e.withParam(UNUSED, unused);
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of();
        }

        @Override
        public PCollection<OutputFile> expand(StepInput in) {
            List<OutputFile> out = new ArrayList<>();
            for (int i = 0; i < get(COUNT); i++) {
                out.add(file("item-" + i + ".txt", "item " + i));
            }
            return in.getPipeline().apply("create", Create.of(out).withCoder(
                    org.apache.beam.sdk.extensions.avro.coders.AvroCoder.of(OutputFile.class)));
        }
    }

    /** An {@link Emit} that must run alone. */
    static final class ExclusiveEmit extends Step<OutputFile> {
        private final Emit emit;

        ExclusiveEmit(int count, int unused) {
            super(OutputFile.class);
            this.emit = Emit.of(count, unused);
        }

        @Override
        public java.util.Map<String, String> settings() {
            return emit.paramValues();
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of();
        }

        @Override
        public boolean exclusive() {
            return true;
        }

        @Override
        public PCollection<OutputFile> expand(StepInput in) {
            return emit.expand(in);
        }
    }

    /** Appends a suffix to every record of its input; fails with an input error when suffix is "bad". */
    static final class Suffix extends Step<OutputFile> {
        static final Param<String> SUFFIX = Param.string("suffix.suffix", "", "appended to every record");

        private final Artifact<OutputFile> input;

        private Suffix(Artifact<OutputFile> input) {
            super(OutputFile.class, SUFFIX);
            this.input = input;
        }

        static Suffix of(Artifact<OutputFile> input, String suffix) {
            return new Suffix(input).withParam(SUFFIX, suffix);
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of(input);
        }

        @Override
        public PCollection<OutputFile> expand(StepInput in) {
            String suffix = get(SUFFIX);
            return in.get(input).apply("append", MapElements.into(TypeDescriptor.of(OutputFile.class)).via(f -> {
                if (suffix.equals("bad")) {
                    throw new InvalidInputException("record %s: suffix \"bad\" is not allowed", f.getPath());
                }
                return file(f.getPath(), text(f) + suffix);
            }));
        }
    }

    /** Passes its input through and reports one progress line per record, as a training loop reports epochs. */
    static final class Chatty extends Step<OutputFile> {
        private final Artifact<OutputFile> input;

        Chatty(Artifact<OutputFile> input) {
            super(OutputFile.class);
            this.input = input;
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of(input);
        }

        @Override
        public PCollection<OutputFile> expand(StepInput in) {
            return in.get(input).apply("report", ParDo.of(new Report(in.context())));
        }

        private static final class Report extends DoFn<OutputFile, OutputFile> {
            private final StepContext ctx;

            Report(StepContext ctx) {
                this.ctx = ctx;
            }

            @ProcessElement
            public void process(@Element OutputFile f, OutputReceiver<OutputFile> out) {
                ctx.progress("processed " + f.getPath());
                out.output(f);
            }
        }
    }

    /**
     * Copies its input and promises one record per input record, each with a path ending in .txt; {@link #BUG} gives
     * it a bug its contract catches. The bug is no parameter, so the cache key stays the same.
     */
    static final class Copy extends Step<OutputFile> {
        enum Bug { NONE, DROP_FIRST, RENAME_FIRST }

        static final java.util.concurrent.atomic.AtomicReference<Bug> BUG =
                new java.util.concurrent.atomic.AtomicReference<>(Bug.NONE);

        private final Artifact<OutputFile> input;

        Copy(Artifact<OutputFile> input) {
            super(OutputFile.class);
            this.input = input;
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of(input);
        }

        @Override
        public OutputContract<OutputFile> outputContract() {
            return OutputContract.<OutputFile>sameCountAs(input).andEach("a path ending in .txt",
                    f -> f.getPath().endsWith(".txt"));
        }

        @Override
        public PCollection<OutputFile> expand(StepInput in) {
            Bug bug = BUG.get();
            return in.get(input)
                    .apply("drop", Filter.by((OutputFile f) -> !(bug == Bug.DROP_FIRST && isFirst(f))))
                    .apply("rename", MapElements.into(TypeDescriptor.of(OutputFile.class)).via(f ->
                            bug == Bug.RENAME_FIRST && isFirst(f) ? file("item-0.png", text(f)) : f));
        }

        private static boolean isFirst(OutputFile f) {
            return f.getPath().equals("item-0.txt");
        }
    }

    /** Fails with an input error while the pipeline is being built (reading a small input as values). */
    static final class RefuseAtBuild extends Step<OutputFile> {
        private final Artifact<OutputFile> input;

        RefuseAtBuild(Artifact<OutputFile> input) {
            super(OutputFile.class);
            this.input = input;
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of(input);
        }

        @Override
        public PCollection<OutputFile> expand(StepInput in) {
            throw new InvalidInputException("%s holds %d records; expected none", input, in.records(input).size());
        }
    }

    /**
     * Writes a checkpoint into its work directory, as pretraining does, then passes its input through; fails after
     * writing it while {@link #FAIL} is set. {@link #WRITTEN} lists the checkpoints written.
     */
    static final class Checkpointing extends Step<OutputFile> {
        static final java.util.concurrent.atomic.AtomicBoolean FAIL = new java.util.concurrent.atomic.AtomicBoolean();
        static final java.util.Set<java.nio.file.Path> WRITTEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private final Artifact<OutputFile> input;

        Checkpointing(Artifact<OutputFile> input) {
            super(OutputFile.class);
            this.input = input;
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of(input);
        }

        @Override
        public PCollection<OutputFile> expand(StepInput in) {
            return in.get(input).apply("checkpoint", ParDo.of(new Save(in.context(), FAIL.get())));
        }

        private static final class Save extends DoFn<OutputFile, OutputFile> {
            private final StepContext ctx;
            private final boolean fail;

            Save(StepContext ctx, boolean fail) {
                this.ctx = ctx;
                this.fail = fail;
            }

            @ProcessElement
            public void process(@Element OutputFile f, OutputReceiver<OutputFile> out) throws java.io.IOException {
                java.nio.file.Path ckpt = ctx.workDir().resolve("checkpoint-" + f.getPath());
                java.nio.file.Files.writeString(ckpt, "state");
                WRITTEN.add(ckpt);
                if (fail) {
                    throw new IllegalStateException("killed after writing " + ckpt.getFileName());
                }
                out.output(f);
            }
        }
    }
}
