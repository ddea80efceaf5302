package io.sdclr.steps.data;

import io.sdclr.steps.internal.data.ImageList;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.Source;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Reads images named by list files under an image root (the ImageNet-LT / ImageNet-100-LT layout) into
 * {@link Image} records of {@code channels × size × size}, decoding in parallel chunks of images.
 *
 * <pre>{@code
 * Artifact<Image> data = wf.step("data", ReadImageFolder.from("/data/imagenet")
 *     .train("ImageNet_100_train.txt")          // relative to the root, or absolute
 *     .test("ImageNet_100_test.txt")
 *     .numClasses(100).size(224).channels(3));
 * }</pre>
 *
 * <p>A list file has one image per line, {@code relative/path label}, the path relative to the image root (see
 * {@link ImageList}). A list file's own path is resolved against the image root unless it is absolute. Several
 * training (or test) lists are merged in order, keeping the first line of an image listed twice.
 *
 * <p>Ids: the index in {@code ImageList.merge(train lists)} for TRAIN, {@link ReadIdx#TEST_ID_OFFSET} + the
 * index in {@code ImageList.merge(test lists)} for TEST; the same lists in the same order give the same ids.
 *
 * <p>Each image is decoded with {@code javax.imageio} (JPEG, PNG; see {@link ImageDecoder} for the channel
 * conversion), its shorter side resized to {@code size} with PIL's antialiased bilinear filter, and its centre
 * {@code size × size} cropped, as torchvision's {@code Resize(size)} + {@code CenterCrop(size)}.
 *
 * <p>Errors name the list file and line and the image path: missing images are all reported together before
 * decoding starts; undecodable, truncated, empty or zero-size images are all reported together when decoding
 * ends (the step then fails and writes nothing), so one pass fixes every bad file. The cache key covers the
 * content of the list files, not of the images (hashing a whole ImageNet on every run would cost minutes):
 * after replacing image files in place, re-run with {@code --force data}.
 */
public final class ReadImageFolder extends Step<Image> {
    private static final long serialVersionUID = 1L;

    public static final Param<String> DIR = Param.string("data.dir", "data/imagenet",
            "image root directory: the list files' paths (train/nXXXX/...JPEG, val/...) are relative to it")
            .requiring(v -> !v.isBlank(), "name a directory");
    public static final Param<Integer> SIZE = Param.integer("data.size", 224,
            "images are resized (shorter side) and centre-cropped to SIZE x SIZE").atLeast(8);
    public static final Param<Integer> TRAIN_LIMIT = ReadIdx.TRAIN_LIMIT;
    public static final Param<Integer> TEST_LIMIT = ReadIdx.TEST_LIMIT;
    private static final int CHUNK = 64;
    private static final int MAX_LISTED_MISSING = 10;

    // Settings of the workflow's code (not tunables), replaced on copies by their withX methods.
    /** List files of the training images, in id order (relative to the root or absolute). */
    private List<String> trainLists = List.of();
    /** List files of the test images, in id order (may be empty). */
    private List<String> testLists = List.of();
    /** Labels must be in [0, numClasses). */
    private int numClasses = 1000;
    /** 3 (RGB) or 1 (luma). */
    private int channels = 3;

    private ReadImageFolder() {
        super(Image.class, DIR, SIZE, TRAIN_LIMIT, TEST_LIMIT);
    }

    /** Images under {@code root}; defaults: 1000 classes, 224×224, 3 channels; no lists yet. */
    public static ReadImageFolder from(String root) {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("data.dir must name a directory, was \"" + root + "\"");
        }
        return new ReadImageFolder().withParam(DIR, root);
    }

    /** See {@link #from(String)}. */
    public static ReadImageFolder from(Path root) {
        return from(root.toString());
    }

    /** The training list files, merged in this order (replaces any given before). */
    public ReadImageFolder train(List<Path> lists) {
        ReadImageFolder c = copy();
        c.trainLists = names("train", lists, false);
        return c;
    }

    /** See {@link #train(List)}. */
    public ReadImageFolder train(String... lists) {
        return train(paths(lists));
    }

    /** The test list files, merged in this order (replaces any given before; none means no test images). */
    public ReadImageFolder test(List<Path> lists) {
        ReadImageFolder c = copy();
        c.testLists = names("test", lists, true);
        return c;
    }

    /** See {@link #test(List)}. */
    public ReadImageFolder test(String... lists) {
        return test(paths(lists));
    }

    /** Labels must be in {@code [0, n)}. */
    public ReadImageFolder numClasses(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, was " + n);
        }
        ReadImageFolder c = copy();
        c.numClasses = n;
        return c;
    }

    /** Output height and width: the shorter side is resized to it, then the centre is cropped. */
    public ReadImageFolder size(int size) {
        return withParam(SIZE, size);
    }

    /** 3 for RGB, 1 for luma (grey). */
    public ReadImageFolder channels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
        }
        ReadImageFolder c = copy();
        c.channels = channels;
        return c;
    }

    /** Reads only the first {@code train} training and {@code test} test images of the merged lists (0 = all). */
    public ReadImageFolder limits(int train, int test) {
        if (train < 0 || test < 0) {
            throw new IllegalArgumentException("limits must be >= 0, were " + train + ", " + test);
        }
        ReadImageFolder r = withParam(TRAIN_LIMIT, train);
        return r.withParam(TEST_LIMIT, test);
    }

    private static List<Path> paths(String... lists) {
        List<Path> out = new ArrayList<>();
        for (String s : lists) {
            out.add(Path.of(s));
        }
        return out;
    }

    private static List<String> names(String which, List<Path> lists, boolean mayBeEmpty) {
        if (!mayBeEmpty && lists.isEmpty()) {
            throw new IllegalArgumentException("at least one " + which + " list file is needed");
        }
        List<String> out = new ArrayList<>();
        for (Path p : lists) {
            out.add(p.toString());
        }
        return List.copyOf(out);
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("trainLists", trainLists.toString(), "testLists", testLists.toString(),
                "numClasses", Integer.toString(numClasses), "channels", Integer.toString(channels));
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

    /** The list files; the images themselves are not digested (see the class comment). */
    @Override
    public List<Path> externalInputs() {
        List<Path> out = new ArrayList<>(resolve(trainLists));
        out.addAll(resolve(testLists));
        return out;
    }

    @Override
    public void checkExternalInputs() {
        Path root = Path.of(get(DIR));
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException(
                    "data.dir=%s: no such directory; expected the image root that the paths in the list files"
                            + " (%s) are relative to",
                    root, String.join(", ", allLists()));
        }
        if (trainLists.isEmpty()) {
            throw new InvalidInputException(
                    "data.dir=%s: no training list file given; expected at least one file of lines"
                            + " \"relative/path label\"", root);
        }
        List<String> missing = new ArrayList<>();
        for (Path list : externalInputs()) {
            if (!Files.isRegularFile(list)) {
                missing.add(list.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException(
                    "data.dir=%s: missing list file(s) %s; expected files of lines \"relative/path label\" (a list"
                            + " file path is relative to data.dir unless absolute)",
                    root, String.join(", ", missing));
        }
    }

    private List<String> allLists() {
        List<String> all = new ArrayList<>(trainLists);
        all.addAll(testLists);
        return all;
    }

    private List<Path> resolve(List<String> lists) {
        Path root = Path.of(get(DIR));
        List<Path> out = new ArrayList<>();
        for (String l : lists) {
            out.add(root.resolve(l));
        }
        return out;
    }

    @Override
    public PCollection<Image> expand(StepInput in) {
        Path root = Path.of(get(DIR));
        List<Chunk> chunks = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        addChunks(chunks, Source.TRAIN, root, resolve(trainLists), get(TRAIN_LIMIT), missing);
        addChunks(chunks, Source.TEST, root, resolve(testLists), get(TEST_LIMIT), missing);
        if (!missing.isEmpty()) {
            int shown = Math.min(missing.size(), MAX_LISTED_MISSING);
            throw new InvalidInputException("data.dir=%s: %d listed image file(s) missing:%n  %s%s", root,
                    missing.size(), String.join(String.format("%n  "), missing.subList(0, shown)),
                    missing.size() > shown ? String.format("%n  ... and %d more", missing.size() - shown) : "");
        }
        PCollectionTuple decoded = in.getPipeline()
                .apply("chunks", Create.of(chunks).withCoder(SerializableCoder.of(Chunk.class)))
                .apply("spread", Reshuffle.viaRandomKey())
                .apply("decode", ParDo.of(new DecodeChunk(get(DIR), channels, get(SIZE)))
                        .withOutputTags(IMAGES, TupleTagList.of(FAILURES)));
        decoded.get(FAILURES)
                .setCoder(KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of()))
                .apply("fail on bad images", new FailOnBadImages());
        return decoded.get(IMAGES);
    }

    /** Chunks of the merged lists, each image checked to exist (missing ones collected, not thrown one by one). */
    private void addChunks(List<Chunk> chunks, Source source, Path root, List<Path> lists, int limit,
            List<String> missing) {
        if (lists.isEmpty()) {
            return;
        }
        List<ImageList.Entry> entries = ImageList.merge(lists, numClasses);
        int count = limit == 0 ? entries.size() : Math.min(limit, entries.size());
        long offset = source == Source.TEST ? ReadIdx.TEST_ID_OFFSET : 0;
        for (int from = 0; from < count; from += CHUNK) {
            List<Item> items = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + CHUNK); i++) {
                ImageList.Entry e = entries.get(i);
                Path image = root.resolve(e.path());
                if (!Files.isRegularFile(image)) {
                    missing.add(String.format("%s:%d: %s: no such image file", e.file(), e.line(), image));
                }
                items.add(new Item(offset + i, e.path(), e.label(), e.file().toString(), e.line()));
            }
            chunks.add(new Chunk(source, items));
        }
    }

    /** One image to decode and where it was listed. */
    record Item(long id, String path, int label, String listFile, int line) implements Serializable {}

    /** A run of consecutive images of one source. */
    record Chunk(Source source, List<Item> items) implements Serializable {
        Chunk {
            items = List.copyOf(items);
        }
    }

    private static final TupleTag<Image> IMAGES = new TupleTag<>() {};
    private static final TupleTag<KV<Long, String>> FAILURES = new TupleTag<>() {};

    /**
     * Decodes, resizes and crops the images of one chunk. A bad image goes to {@link #FAILURES} as
     * (id, "list:line: image: problem"), so all of them are reported together by {@link FailOnBadImages}.
     */
    static final class DecodeChunk extends DoFn<Chunk, Image> {
        private static final long serialVersionUID = 1L;
        private final String root;
        private final int channels;
        private final int size;

        DecodeChunk(String root, int channels, int size) {
            this.root = root;
            this.channels = channels;
            this.size = size;
        }

        @ProcessElement
        public void process(@Element Chunk chunk, MultiOutputReceiver out) {
            Path dir = Path.of(root);
            for (Item item : chunk.items()) {
                Path file = dir.resolve(item.path());
                ImageDecoder.Pixels px;
                try {
                    px = ImageDecoder.resizeAndCrop(ImageDecoder.decode(file, channels), size);
                } catch (InvalidInputException e) {
                    out.get(FAILURES).output(KV.of(item.id(),
                            String.format("%s:%d: %s", item.listFile(), item.line(), e.getMessage())));
                    continue;
                }
                out.get(IMAGES).output(Image.newBuilder()
                        .setId(item.id())
                        .setSource(chunk.source())
                        .setLabel(item.label())
                        .setChannels(channels)
                        .setHeight(size)
                        .setWidth(size)
                        .setPixels(ByteBuffer.wrap(px.pixels()))
                        .build());
            }
        }
    }
}
