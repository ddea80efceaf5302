package io.sdclr.steps.data;

import io.sdclr.steps.internal.data.Layout;
import io.sdclr.steps.internal.data.IdxHeader;
import io.sdclr.steps.internal.data.IdxFile;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.Source;
import java.nio.ByteBuffer;
import java.nio.file.Files;
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
 * Reads an MNIST-layout dataset (Fashion-MNIST by default) from its IDX files into {@link Image} records, in
 * parallel chunks of images.
 *
 * <pre>{@code
 * Artifact<Image> data = wf.step("data", ReadIdx.from("/usr/share/datasets/fashion-mnist").limits(5000, 1000));
 * }</pre>
 *
 * <p>Ids: image {@code i} of the training file has id {@code i}; image {@code i} of the test file has id
 * {@link #TEST_ID_OFFSET}{@code + i}.
 */
public final class ReadIdx extends Step<Image> {
    private static final long serialVersionUID = 1L;

    public static final Param<String> DIR = Param.string("data.dir", "/usr/share/datasets/fashion-mnist",
            "directory of the MNIST-layout IDX files (gzipped or not)").requiring(v -> !v.isBlank(), "name a directory");
    public static final Param<Integer> TRAIN_LIMIT = Param.integer("data.trainLimit", 0,
            "read the first N training images (0 = all)").atLeast(0);
    public static final Param<Integer> TEST_LIMIT = Param.integer("data.testLimit", 0,
            "read the first N test images (0 = all)").atLeast(0);
    public static final long TEST_ID_OFFSET = 1_000_000_000L;
    private static final int CHUNK = 5_000;
    static final String[] FILES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    };

    /** Labels must be in [0, numClasses); a setting of the workflow's code, not a tunable. */
    private final int numClasses;

    private ReadIdx(int numClasses) {
        super(Image.class, DIR, TRAIN_LIMIT, TEST_LIMIT);
        this.numClasses = numClasses;
    }

    public static ReadIdx from(String dir) {
        return new ReadIdx(10).withParam(DIR, dir);
    }

    /** Reads only the first {@code train} training and {@code test} test images (0 = all). */
    public ReadIdx limits(int train, int test) {
        if (train < 0 || test < 0) {
            throw new IllegalArgumentException("limits must be >= 0, were " + train + ", " + test);
        }
        ReadIdx r = withParam(TRAIN_LIMIT, train);
        return r.withParam(TEST_LIMIT, test);
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("numClasses", Integer.toString(numClasses));
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
        List<Path> out = new ArrayList<>();
        for (String f : FILES) {
            out.add(resolve(Path.of(get(DIR)), f));
        }
        return out;
    }

    @Override
    public void checkExternalInputs() {
        Path dir = Path.of(get(DIR));
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(
                    "data.dir=%s: no such directory; expected a directory with the Fashion-MNIST IDX files (%s, "
                            + "gzipped or not). Install them with: sudo apt-get install dataset-fashion-mnist",
                    dir, String.join(", ", FILES));
        }
        List<String> missing = new ArrayList<>();
        for (String f : FILES) {
            if (!Files.isRegularFile(resolve(dir, f))) {
                missing.add(f + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("data.dir=%s: missing %s; expected the four MNIST-layout IDX files %s",
                    dir, String.join(", ", missing), String.join(", ", FILES));
        }
    }

    static Path resolve(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        return Files.isRegularFile(gz) ? gz : dir.resolve(base);
    }

    @Override
    public PCollection<Image> expand(StepInput in) {
        Path dir = Path.of(get(DIR));
        List<String> chunks = new ArrayList<>();
        // Every file whole, however few records this run reads: the same directory must pass or fail alike with
        // any data.trainLimit. Magics and counts first, so that a wrong file is named as such.
        IdxHeader train = IdxFile.checkPair(resolve(dir, FILES[0]), resolve(dir, FILES[1]));
        IdxHeader test = IdxFile.checkPair(resolve(dir, FILES[2]), resolve(dir, FILES[3]));
        for (String f : FILES) {
            IdxFile.checkWholeFile(resolve(dir, f));
        }
        checkSameGeometry(resolve(dir, FILES[0]), resolve(dir, FILES[2]));
        addChunks(chunks, "TRAIN", resolve(dir, FILES[0]), resolve(dir, FILES[1]), train.count(), get(TRAIN_LIMIT));
        addChunks(chunks, "TEST", resolve(dir, FILES[2]), resolve(dir, FILES[3]), test.count(), get(TEST_LIMIT));
        return in.getPipeline()
                .apply("chunks", Create.of(chunks).withCoder(StringUtf8Coder.of()))
                .apply("spread", Reshuffle.viaRandomKey())
                .apply("decode", ParDo.of(new DecodeChunk(numClasses)));
    }

    /** Training and test images must have the same size and channels: one encoder embeds both. */
    static void checkSameGeometry(Path trainImages, Path testImages) {
        int[] train = IdxFile.readHeader(trainImages).dims();
        int[] test = IdxFile.readHeader(testImages).dims();
        int[] a = java.util.Arrays.copyOfRange(train, 1, train.length);
        int[] b = java.util.Arrays.copyOfRange(test, 1, test.length);
        if (!java.util.Arrays.equals(a, b)) {
            throw new InvalidInputException(
                    "image size mismatch: %s holds %s images but %s holds %s images; expected the same size",
                    trainImages, geometry(a), testImages, geometry(b));
        }
    }

    private static String geometry(int[] dims) {
        StringBuilder b = new StringBuilder();
        for (int d : dims) {
            b.append(b.length() == 0 ? "" : "x").append(d);
        }
        return b.toString();
    }

    /** Chunks of the first {@code limit} (0: all) of the {@code n} records of an images/labels pair. */
    private static void addChunks(List<String> chunks, String source, Path images, Path labels, int n, int limit) {
        int count = limit == 0 ? n : Math.min(limit, n);
        for (int from = 0; from < count; from += CHUNK) {
            chunks.add(String.join("\t", source, images.toString(), labels.toString(), Integer.toString(from),
                    Integer.toString(Math.min(CHUNK, count - from))));
        }
    }

    /** Decodes one chunk "SOURCE images labels from count" into image records. */
    static final class DecodeChunk extends DoFn<String, Image> {
        private static final long serialVersionUID = 1L;
        private final int numClasses;

        DecodeChunk(int numClasses) {
            this.numClasses = numClasses;
        }

        @ProcessElement
        public void process(@Element String chunk, OutputReceiver<Image> out) {
            String[] f = chunk.split("\t");
            Source source = Source.valueOf(f[0]);
            Path images = Path.of(f[1]);
            int from = Integer.parseInt(f[3]);
            int count = Integer.parseInt(f[4]);
            IdxHeader h = IdxFile.readHeader(images);
            int[] dims = h.dims();
            int channels = dims.length == 4 ? dims[3] : 1;
            int[] labels = IdxFile.readLabels(Path.of(f[2]), numClasses);
            byte[][] pixels = IdxFile.readImages(images, from, count);
            long offset = source == Source.TEST ? TEST_ID_OFFSET : 0;
            for (int i = 0; i < count; i++) {
                out.output(Image.newBuilder()
                        .setId(offset + from + i)
                        .setSource(source)
                        .setLabel(labels[from + i])
                        .setChannels(channels)
                        .setHeight(dims[1])
                        .setWidth(dims[2])
                        .setPixels(ByteBuffer.wrap(channels == 1 ? pixels[i] : Layout.hwcToChw(pixels[i], dims[1],
                                dims[2], channels)))
                        .build());
            }
        }
    }
}
