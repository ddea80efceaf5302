package io.sdclr.pipeline.run;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Step;
import io.sdclr.pipeline.store.AvroFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * A step's output in its staging directory, checked against the step's {@link OutputContract} before the runtime
 * commits it, so an output that breaks its own contract (no encoder, fewer features than images) never enters the
 * store.
 *
 * <pre>{@code
 * List<String> broken = StagedOutput.violations(step, staging, inputRecords);   // empty: commit it
 * }</pre>
 */
final class StagedOutput {
    private StagedOutput() {}

    /**
     * The contract rules the output staged in {@code staging} breaks, in words; empty when it keeps them all.
     *
     * @param inputRecords the record count of each input artifact of {@code step}
     */
    static <O extends SpecificRecord> List<String> violations(Step<O> step, Path staging,
            ToLongFunction<Artifact<?>> inputRecords) {
        OutputContract<O> contract = step.outputContract();
        List<Path> files = avroFiles(staging);
        return contract.violations(count(files), inputRecords, () -> records(files, step.outputType()));
    }

    /** The output's Avro files (the runner's temporary files, whose names start with a dot, are not output). */
    private static List<Path> avroFiles(Path staging) {
        TreeSet<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging, "*.avro")) {
            for (Path f : ds) {
                if (!f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)) {
                    files.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the staged output " + staging, e);
        }
        return List.copyOf(files);
    }

    /** Records counted from the block headers, without decoding one. */
    private static long count(List<Path> files) {
        long n = 0;
        for (Path f : files) {
            try (DataFileStream<Object> r = AvroFiles.open(f,
                    new org.apache.avro.generic.GenericDatumReader<>())) {
                while (r.hasNext()) {
                    n += r.getBlockCount();
                    r.nextBlock();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the staged output " + f, e);
            }
        }
        return n;
    }

    /** Every record of {@code files}, decoded one at a time. */
    private static <O extends SpecificRecord> Iterator<O> records(List<Path> files, Class<O> type) {
        return new Iterator<>() {
            private int next;
            private DataFileStream<O> reader;

            @Override
            public boolean hasNext() {
                try {
                    while (reader == null || !reader.hasNext()) {
                        if (reader != null) {
                            reader.close();
                            reader = null;
                        }
                        if (next == files.size()) {
                            return false;
                        }
                        reader = AvroFiles.open(files.get(next++), new SpecificDatumReader<>(type));
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the staged output " + files.get(next - 1), e);
                }
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return reader.next();
            }
        };
    }
}
