package io.sdclr.steps.data;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.Source;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads CIFAR-10 or CIFAR-100 from the official binary version into {@link Image} records (3×32×32, CHW), in
 * parallel chunks of records.
 *
 * <pre>{@code
 * Artifact<Image> c10 = wf.step("data", ReadCifar.cifar10("/data/cifar").limits(5000, 1000));
 * Artifact<Image> c100 = wf.step("data", ReadCifar.cifar100("/data/cifar"));                  // fine labels
 * Artifact<Image> c20 = wf.step("data", ReadCifar.cifar100("/data/cifar").coarseLabels());    // 20 superclasses
 * }</pre>
 *
 * <p>{@code dir} holds the files ({@code data_batch_1.bin} .. {@code data_batch_5.bin}, {@code test_batch.bin};
 * or {@code train.bin}, {@code test.bin}) directly or in the folder the archive extracts to
 * ({@code cifar-10-batches-bin/}, {@code cifar-100-binary/}). The data cannot be downloaded by this tool: get the
 * binary version from https://www.cs.toronto.edu/~kriz/cifar.html.
 *
 * <p>Ids: training image {@code i} of the training files concatenated in order (data_batch_1 .. 5) has id
 * {@code i}, the same index as torchvision's {@code CIFAR10(train=True)} and therefore as the official SDCLR
 * split files; test image {@code i} has id {@link ReadIdx#TEST_ID_OFFSET}{@code + i}.
 */
public final class ReadCifar extends Step<Image> {
    private static final long serialVersionUID = 1L;

    public static final Param<String> DIR = Param.string("data.dir", "data/cifar",
            "directory of the CIFAR binary version (data_batch_1..5.bin + test_batch.bin, or train.bin + test.bin),"
                    + " from https://www.cs.toronto.edu/~kriz/cifar.html").requiring(v -> !v.isBlank(),
            "name a directory");
    public static final Param<Integer> TRAIN_LIMIT = ReadIdx.TRAIN_LIMIT;
    public static final Param<Integer> TEST_LIMIT = ReadIdx.TEST_LIMIT;
    private static final int CHUNK = 5_000;

    /** {@code cifar10} or {@code cifar100}. */
    private final String dataset;
    /** CIFAR-100 only: label images with their 20 superclasses instead of the 100 classes (set on copies). */
    private boolean coarse;

    private ReadCifar(String dataset) {
        super(Image.class, DIR, TRAIN_LIMIT, TEST_LIMIT);
        this.dataset = dataset;
    }

    /** CIFAR-10 binary version in {@code dir}: 50,000 training and 10,000 test images, 10 classes. */
    public static ReadCifar cifar10(String dir) {
        return new ReadCifar("cifar10").withParam(DIR, checkDir(dir));
    }

    /** CIFAR-100 binary version in {@code dir}: 50,000 training and 10,000 test images, 100 fine classes. */
    public static ReadCifar cifar100(String dir) {
        return new ReadCifar("cifar100").withParam(DIR, checkDir(dir));
    }

    private static String checkDir(String dir) {
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("data.dir must name a directory, was \"" + dir + "\"");
        }
        return dir;
    }

    /** Reads only the first {@code train} training and {@code test} test images (0 = all). */
    public ReadCifar limits(int train, int test) {
        if (train < 0 || test < 0) {
            throw new IllegalArgumentException("limits must be >= 0, were " + train + ", " + test);
        }
        ReadCifar r = withParam(TRAIN_LIMIT, train);
        return r.withParam(TEST_LIMIT, test);
    }

    /** CIFAR-100 only: labels are the 20 coarse superclasses (the first label byte) instead of the 100 classes. */
    public ReadCifar coarseLabels() {
        if (format() != CifarBinary.Format.CIFAR100) {
            throw new IllegalArgumentException("coarse labels exist only in CIFAR-100, not in " + dataset);
        }
        ReadCifar c = copy();
        c.coarse = true;
        return c;
    }

    /** Number of classes of the labels this step writes: 10, 100, or 20 with {@link #coarseLabels()}. */
    public int numClasses() {
        return format().numClasses(coarse);
    }

    CifarBinary.Format format() {
        return dataset.equals("cifar10") ? CifarBinary.Format.CIFAR10 : CifarBinary.Format.CIFAR100;
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("dataset", dataset, "coarse", Boolean.toString(coarse));
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of();
    }

    /**
     * At least one image. How many the files hold, and whether each decodes to its declared size, is checked while
     * they are read (an empty set, a short file: an input error before anything is committed).
     */
    @Override
    public OutputContract<Image> outputContract() {
        return OutputContract.atLeast(1);
    }

    @Override
    public List<Path> externalInputs() {
        Path dir;
        try {
            dir = CifarBinary.locate(Path.of(get(DIR)), format());
        } catch (InvalidInputException e) {
            // Reported by checkExternalInputs; the cache key records the expected paths as missing.
            dir = Path.of(get(DIR));
        }
        List<Path> out = new ArrayList<>();
        for (String f : format().files()) {
            out.add(dir.resolve(f));
        }
        return out;
    }

    @Override
    public void checkExternalInputs() {
        Path dir = CifarBinary.locate(Path.of(get(DIR)), format());
        for (String f : format().files()) {
            CifarBinary.countRecords(dir.resolve(f), format());
        }
    }

    @Override
    public PCollection<Image> expand(StepInput in) {
        CifarBinary.Format format = format();
        Path dir = CifarBinary.locate(Path.of(get(DIR)), format);
        List<String> chunks = new ArrayList<>();
        addChunks(chunks, Source.TRAIN, dir, format.trainFiles(), format, get(TRAIN_LIMIT));
        addChunks(chunks, Source.TEST, dir, format.testFiles(), format, get(TEST_LIMIT));
        return in.getPipeline()
                .apply("chunks", Create.of(chunks).withCoder(StringUtf8Coder.of()))
                .apply("spread", Reshuffle.viaRandomKey())
                .apply("decode", ParDo.of(new DecodeChunk(format, coarse)));
    }

    /**
     * Chunks "SOURCE file firstId from count" over the files in order; ids continue across files. Every file is
     * length-checked here, before anything runs, even past the limit.
     */
    private static void addChunks(List<String> chunks, Source source, Path dir, List<String> files,
            CifarBinary.Format format, int limit) {
        long offset = source == Source.TEST ? ReadIdx.TEST_ID_OFFSET : 0;
        long next = 0;
        for (String name : files) {
            Path file = dir.resolve(name);
            int n = CifarBinary.countRecords(file, format);
            int take = limit == 0 ? n : (int) Math.max(0, Math.min(n, limit - next));
            for (int from = 0; from < take; from += CHUNK) {
                chunks.add(String.join("\t", source.name(), file.toString(), Long.toString(offset + next + from),
                        Integer.toString(from), Integer.toString(Math.min(CHUNK, take - from))));
            }
            next += n;
        }
    }

    /** Decodes one chunk "SOURCE file firstId from count" into image records. */
    static final class DecodeChunk extends DoFn<String, Image> {
        private static final long serialVersionUID = 1L;
        private final CifarBinary.Format format;
        private final boolean coarse;

        DecodeChunk(CifarBinary.Format format, boolean coarse) {
            this.format = format;
            this.coarse = coarse;
        }

        @ProcessElement
        public void process(@Element String chunk, OutputReceiver<Image> out) {
            String[] f = chunk.split("\t");
            Source source = Source.valueOf(f[0]);
            long firstId = Long.parseLong(f[2]);
            int from = Integer.parseInt(f[3]);
            for (CifarBinary.Record r : CifarBinary.read(Path.of(f[1]), format, coarse, from, Integer.parseInt(f[4]))) {
                out.output(Image.newBuilder()
                        .setId(firstId + r.index() - from)
                        .setSource(source)
                        .setLabel(r.label())
                        .setChannels(3)
                        .setHeight(32)
                        .setWidth(32)
                        .setPixels(ByteBuffer.wrap(r.pixels()))
                        .build());
            }
        }
    }
}
