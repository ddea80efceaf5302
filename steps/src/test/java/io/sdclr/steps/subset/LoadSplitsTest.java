package io.sdclr.steps.subset;

import io.sdclr.steps.internal.subset.SplitRecords;
import io.sdclr.steps.internal.subset.SplitPlan;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Guice;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.dsl.Workflow;
import io.sdclr.dsl.WorkflowGraph;
import io.sdclr.pipeline.cache.CacheKey;
import io.sdclr.pipeline.run.ArtifactRecords;
import io.sdclr.pipeline.run.BeamRunner;
import io.sdclr.pipeline.run.DirectRunnerModule;
import io.sdclr.pipeline.run.ExecutionSettings;
import io.sdclr.pipeline.run.RunRequest;
import io.sdclr.pipeline.run.RunSummary;
import io.sdclr.pipeline.run.StepStatus;
import io.sdclr.pipeline.run.WorkflowRunner;
import io.sdclr.pipeline.store.ArtifactStore;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.internal.data.NpyFileTest;
import io.sdclr.steps.data.ReadIdx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 30-image training set of 3 classes (id i has label i % 3) and two hand-made splits; the files list ids in
 * shuffled order, the records must come out sorted and exactly as below.
 */
class LoadSplitsTest {
    static final int N = 30;
    static final int C = 3;
    private static final long[] VAL = {5, 0, 4, 1, 3, 2};
    // Split 0: D_i has 6, 3, 1 images of classes 0, 1, 2.
    private static final long[] LT0 = {21, 7, 6, 8, 13, 9, 18, 10, 12, 15};
    private static final long[] BL0 = {24, 8, 6, 11, 9, 14, 12, 7, 10, 13};
    private static final long[] FS0 = {8, 6, 7};
    // Split 1: D_i has 3, 3, 6: class 2 is the head, classes 0 and 1 tie (order by class id).
    private static final long[] LT1 = {23, 6, 20, 7, 17, 9, 14, 10, 11, 12, 13, 8};
    private static final long[] BL1 = {17, 14, 13, 12, 11, 10, 9, 8, 7, 6};
    private static final long[] FS1 = {11, 10, 9};

    @TempDir Path tmp;
    private long[] ids;
    private int[] labels;

    @BeforeEach
    void trainingSet() {
        ids = LongStream.range(0, N).toArray();
        labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % C;
        }
    }

    private static LongTailSplit expected(int split, int[] order, int[] counts, long[] lt, long[] bl, long[] fs) {
        return SplitRecords.record(new SplitPlan(split, order, counts, sort(lt), sort(bl), sort(fs), sort(VAL),
                LongStream.range(6, N).toArray()), "toy");
    }

    static List<LongTailSplit> expectedSplits() {
        return List.of(
                expected(0, new int[] {0, 1, 2}, new int[] {6, 3, 1}, LT0, BL0, FS0),
                expected(1, new int[] {2, 0, 1}, new int[] {3, 3, 6}, LT1, BL1, FS1));
    }

    private static long[] sort(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s;
    }

    private Path npy(String name, long... values) {
        return NpyFileTest.writeIndices(tmp.resolve(name), values);
    }

    private SplitFiles npyFiles() {
        return npyFiles(tmp);
    }

    /** The two splits as .npy files in {@code dir} (s1_* for split 0, s2_* for split 1, val.npy). */
    static SplitFiles npyFiles(Path dir) {
        return SplitFiles.validation(NpyFileTest.writeIndices(dir.resolve("val.npy"), VAL))
                .withSplit(NpyFileTest.writeIndices(dir.resolve("s1_D_i.npy"), LT0),
                        NpyFileTest.writeIndices(dir.resolve("s1_D_b.npy"), BL0),
                        NpyFileTest.writeIndices(dir.resolve("s1_S_b.npy"), FS0))
                .withSplit(NpyFileTest.writeIndices(dir.resolve("s2_D_i.npy"), LT1),
                        NpyFileTest.writeIndices(dir.resolve("s2_D_b.npy"), BL1),
                        NpyFileTest.writeIndices(dir.resolve("s2_S_b.npy"), FS1));
    }

    private List<LongTailSplit> load(SplitFiles files) {
        return load(files, new ArrayList<>());
    }

    private List<LongTailSplit> load(SplitFiles files, List<String> warnings) {
        return SplitFileLoader.load(files, ids, labels, C, warnings::add).stream()
                .map(p -> SplitRecords.record(p, "toy")).toList();
    }

    private InvalidInputException fails(SplitFiles files) {
        return assertThrows(InvalidInputException.class, () -> load(files));
    }

    /** The path of image id i in the train lists: ids 0..19 in train_a.txt, 20..29 in train_b.txt. */
    private static String path(long id) {
        return "train/c" + (id % C) + "/img_" + id + ".png";
    }

    private Path list(String name, long... values) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (long v : values) {
            sb.append(path(v)).append(' ').append(v % C).append('\n');
        }
        return Files.writeString(tmp.resolve(name), sb.toString());
    }

    private List<Path> trainLists() throws IOException {
        return List.of(list("train_a.txt", LongStream.range(0, 20).toArray()),
                list("train_b.txt", LongStream.range(20, N).toArray()));
    }

    private SplitFiles txtFiles() throws IOException {
        return SplitFiles.validation(list("val.txt", VAL))
                .withSplit(list("s1_D_i.txt", LT0), list("s1_D_b.txt", BL0), list("s1_S_b.txt", FS0))
                .withSplit(list("s2_D_i.txt", LT1), list("s2_D_b.txt", BL1), list("s2_S_b.txt", FS1))
                .withTrainLists(trainLists());
    }

    @Test
    void npySplitsGiveExactlyTheRecordsBuildLongTailWould() {
        assertThat(load(npyFiles())).containsExactlyElementsIn(expectedSplits()).inOrder();
    }

    @Test
    void txtSplitsResolveThroughTheTrainListsToTheSameRecords() throws IOException {
        assertThat(load(txtFiles())).containsExactlyElementsIn(expectedSplits()).inOrder();
    }

    @Test
    void aPoolFileThatIsTrainMinusValidationIsAccepted() {
        SplitFiles files = npyFiles().withPool(npy("pool.npy", LongStream.range(6, N).map(i -> N + 5 - i).toArray()));
        assertThat(load(files)).containsExactlyElementsIn(expectedSplits()).inOrder();
    }

    /** The real runtime: a Beam DirectRunner pipeline reading Image records from the store, writing Avro. */
    @Test
    void runsOnTheDirectRunnerAndSplitFileContentEntersTheCacheKey() throws IOException {
        SplitFiles files = npyFiles();
        ExecutionSettings settings = new ExecutionSettings("cpu", 2);
        WorkflowRunner runner = new WorkflowRunner(new ArtifactStore(tmp.resolve("store")),
                Guice.createInjector(new DirectRunnerModule(), b -> b.bind(ExecutionSettings.class)
                        .toInstance(settings)).getInstance(BeamRunner.class), settings);

        RunSummary first = runner.run(workflow(files), RunRequest.all(), "r1", l -> {});
        Path dir = runner.store().artifactDir(first.digestOf("subset"));
        List<LongTailSplit> records = new ArrayList<>(ArtifactRecords.read(dir.toString(), LongTailSplit.class));
        records.sort(Comparator.comparingInt(LongTailSplit::getSplit));
        assertThat(records).containsExactlyElementsIn(expectedSplits()).inOrder();

        assertThat(runner.run(workflow(files), RunRequest.all(), "r2", l -> {}).cached()).isEqualTo(2);
        npy("s2_S_b.npy", 9, 10); // Same path, new content.
        List<String> plan = runner.plan(workflow(files), RunRequest.all()).stream().map(StepStatus::planLine)
                .toList();
        assertThat(plan.get(0)).startsWith("data hit ");
        assertThat(plan.get(1)).isEqualTo("subset miss file " + tmp.resolve("s2_S_b.npy").toAbsolutePath()
                + " changed");
    }

    private WorkflowGraph workflow(SplitFiles files) {
        Workflow wf = Workflow.named("splits");
        Artifact<Image> data = wf.step("data", EmitImages.of(N));
        wf.step("subset", LoadSplits.from(data, files).dataset("toy", C));
        return wf.validate();
    }

    @Test
    void theOfficialLayoutsNameThePapersFiles() {
        Path d = Path.of("/x/split");
        SplitFiles c10 = SplitFiles.officialCifar10(d, 2);
        assertThat(c10.allSplitFiles()).containsExactly("/x/split/cifar10/valIdxList.npy",
                "/x/split/cifar10/trainIdxList.npy",
                "/x/split/cifar10_imbSub_with_subsets/split1_D_i.npy",
                "/x/split/cifar10_imbSub_with_subsets/split1_D_b.npy",
                "/x/split/cifar10_imbSub_with_subsets/split1_S_b.npy",
                "/x/split/cifar10_imbSub_with_subsets/split2_D_i.npy",
                "/x/split/cifar10_imbSub_with_subsets/split2_D_b.npy",
                "/x/split/cifar10_imbSub_with_subsets/split2_S_b.npy").inOrder();
        assertThat(c10.nestedFewShot()).isTrue();
        SplitFiles c100 = SplitFiles.officialCifar100(d, 5);
        assertThat(c100.splits()).isEqualTo(5);
        assertThat(c100.val()).isEqualTo("/x/split/cifar100/cifar100_valIdxList.npy");
        assertThat(c100.longTail().get(4))
                .isEqualTo("/x/split/cifar100_imbSub_with_subsets/cifar100_split5_D_i.npy");
        assertThat(c100.fewShot().get(0))
                .isEqualTo("/x/split/cifar100_imbSub_with_subsets/cifar100_split1_S_b.npy");
        SplitFiles in100 = SplitFiles.officialImageNet100(d, List.of(Path.of("/data/ImageNet_100_train.txt")));
        assertThat(in100.allSplitFiles()).containsExactly("/x/split/imagenet-100/ImageNet_100_val.txt",
                "/x/split/imagenet-100/imageNet_100_LT_train.txt", "/x/split/imagenet-100/imageNet_100_BL_train.txt",
                "/x/split/imagenet-100/imageNet_100_sub_balance_train_0.01.txt").inOrder();
        assertThat(in100.trainLists()).containsExactly("/data/ImageNet_100_train.txt");
        assertThat(in100.nestedFewShot()).isFalse();
        assertThrows(IllegalArgumentException.class, () -> SplitFiles.officialCifar10(d, 6));
    }

    @Test
    void parametersAreSubsetKeysAndEveryFileIsAnExternalInput() throws IOException {
        SplitFiles files = txtFiles();
        LoadSplits step = LoadSplits.from(null, files).dataset("toy", C);
        // No tunables: the dataset, its classes and the files are settings of the workflow's code.
        assertThat(step.params()).isEmpty();
        assertThat(step.settings()).containsEntry("dataset", "toy");
        assertThat(step.settings()).containsEntry("numClasses", "3");
        assertThat(step.settings().get("files")).contains(tmp.resolve("s2_S_b.txt").toString());
        assertThat(step.settings().get("files")).contains(tmp.resolve("train_b.txt").toString());
        // Settings enter the cache key: another split file (by name) or dataset is another key.
        CacheKey key = CacheKey.of("subset", step, Map.of("data", "d1"));
        assertThat(key.params()).containsEntry(CacheKey.SETTING + "dataset", "toy");
        assertThat(key.params()).containsKey(CacheKey.SETTING + "files");
        assertThat(CacheKey.of("subset", LoadSplits.from(null, files).dataset("toy2", C), Map.of("data", "d1")).key())
                .isNotEqualTo(key.key());
        assertThat(CacheKey.of("subset", LoadSplits.from(null, files.withNestedFewShot(false)).dataset("toy", C),
                Map.of("data", "d1")).key()).isNotEqualTo(key.key());
        assertThat(CacheKey.of("subset", LoadSplits.from(null, files).dataset("toy", C), Map.of("data", "d1")).key())
                .isEqualTo(key.key());
        assertThat(step.externalInputs()).containsExactly(tmp.resolve("val.txt"), tmp.resolve("s1_D_i.txt"),
                tmp.resolve("s1_D_b.txt"), tmp.resolve("s1_S_b.txt"), tmp.resolve("s2_D_i.txt"),
                tmp.resolve("s2_D_b.txt"), tmp.resolve("s2_S_b.txt"), tmp.resolve("train_a.txt"),
                tmp.resolve("train_b.txt")).inOrder();
        step.checkExternalInputs();
        Files.delete(tmp.resolve("s2_D_b.txt"));
        Files.delete(tmp.resolve("train_b.txt"));
        InvalidInputException e = assertThrows(InvalidInputException.class, step::checkExternalInputs);
        assertThat(e).hasMessageThat().contains("split files: missing 2 file(s): " + tmp.resolve("s2_D_b.txt")
                + ", " + tmp.resolve("train_b.txt"));
    }

    @Test
    void definitionErrorsAreCaughtWhereTheWorkflowIsBuilt() throws IOException {
        SplitFiles noTrainLists = SplitFiles.validation(list("v.txt", VAL))
                .withSplit(list("a.txt", LT0), list("b.txt", BL0), list("c.txt", FS0));
        assertThat(assertThrows(IllegalArgumentException.class, () -> LoadSplits.from(null, noTrainLists)))
                .hasMessageThat().contains("SplitFiles.withTrainLists");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> LoadSplits.from(null, SplitFiles.validation(Path.of("v.npy")))))
                .hasMessageThat().contains("at least one split");
        assertThat(assertThrows(IllegalArgumentException.class, () -> SplitFiles.validation(Path.of("v.csv"))))
                .hasMessageThat().contains("validation file v.csv must end in .npy");
    }

    // --- Bad input: every message names the file, the element or line, and the problem. ---

    @Test
    void anIndexOutsideTheTrainingSetIsRejected() {
        SplitFiles files = npyFiles().withSplit(npy("s3_D_i.npy", 6, 7, 30), npy("s3_D_b.npy", 6), npy("s3_S_b.npy"));
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("s3_D_i.npy") + ": element 2: index 30 is "
                + "not a training image of the data step, which has 30 training images (ids 0..29); expected an index "
                + "into its training set (was the data step limited?)");
    }

    @Test
    void aLimitedDataStepShowsUpAsIndicesOutsideTheTrainingSet() {
        ids = LongStream.range(0, 20).toArray();
        labels = Arrays.copyOf(labels, 20);
        assertThat(fails(npyFiles())).hasMessageThat().startsWith(tmp.resolve("s1_D_i.npy") + ": element 0: index 21 "
                + "is not a training image of the data step, which has 20 training images (ids 0..19)");
    }

    @Test
    void aDuplicateIndexNamesBothElements() {
        SplitFiles files = SplitFiles.validation(npy("val.npy", VAL))
                .withSplit(npy("d.npy", 6, 9, 7, 9, 8), npy("b.npy", BL0), npy("f.npy", FS0));
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("d.npy") + ": element 3: index 9 is listed "
                + "twice (first at " + tmp.resolve("d.npy") + ": element 1); expected each image once");
    }

    @Test
    void aSubsetOverlappingTheValidationSetIsRejected() {
        SplitFiles files = SplitFiles.validation(npy("val.npy", VAL))
                .withSplit(npy("d.npy", LT0), npy("b.npy", 6, 7, 8, 9, 10, 11, 4), npy("f.npy", FS0));
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("b.npy") + ": element 6: index 4 is also in "
                + "the validation set (" + tmp.resolve("val.npy") + ": element 2); expected the subsets disjoint from "
                + "the validation set");
    }

    @Test
    void fewShotOutsideLongTailAndBalancedIsAnErrorOrAWarningWhenAllowed() {
        SplitFiles files = SplitFiles.validation(npy("val.npy", VAL))
                .withSplit(npy("d.npy", LT0), npy("b.npy", BL0), npy("f.npy", 6, 24, 7, 11, 8));
        String what = "split 0: 2 of the 5 S_b images in " + tmp.resolve("f.npy") + " are not in both D_i and D_b; "
                + "first: " + tmp.resolve("f.npy") + ": element 1, index 24 (in D_i " + tmp.resolve("d.npy")
                + ": no, in D_b " + tmp.resolve("b.npy") + ": yes)";
        assertThat(fails(files)).hasMessageThat().isEqualTo(what + "; expected S_b to be a subset of both, as the "
                + "protocol's subsets nest (SplitFiles.withNestedFewShot(false) accepts such files with a warning)");
        List<String> warnings = new ArrayList<>();
        List<LongTailSplit> loaded = load(files.withNestedFewShot(false), warnings);
        assertThat(warnings).containsExactly(what + "; accepted (SplitFiles.nestedFewShot is false)");
        assertThat(loaded.get(0).getFewShotIds()).containsExactly(6L, 7L, 8L, 11L, 24L).inOrder();
    }

    @Test
    void aClassMissingFromTheLongTailedSetIsRejected() {
        SplitFiles files = SplitFiles.validation(npy("val.npy", VAL))
                .withSplit(npy("d.npy", 6, 7, 9, 10), npy("b.npy", 6, 7, 9, 10), npy("f.npy", 6, 7));
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("d.npy") + ": class 2 has no image in D_i "
                + "(split 0); expected every one of the 3 classes in the long-tailed set (is numClasses right?)");
    }

    @Test
    void aListLabelThatDisagreesWithTheDataIsRejected() throws IOException {
        SplitFiles files = txtFiles();
        Files.writeString(tmp.resolve("s1_S_b.txt"), path(8) + " 2\n\n" + path(6) + " 1\n");
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("s1_S_b.txt") + ":3: train/c0/img_6.png has "
                + "label 1, but the data has label 0 for it (id 6); expected the same label");
    }

    @Test
    void aListPathOutsideTheTrainListsIsRejected() throws IOException {
        SplitFiles files = txtFiles();
        Files.writeString(tmp.resolve("val.txt"), path(0) + " 0\ntrain/c1/elsewhere.png 1\n");
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("val.txt") + ":2: train/c1/elsewhere.png is "
                + "in none of the train lists [" + tmp.resolve("train_a.txt") + ", " + tmp.resolve("train_b.txt")
                + "]; expected an image the data step read as TRAIN");
    }

    @Test
    void aListedImageTheDataDoesNotHaveIsRejected() throws IOException {
        SplitFiles files = txtFiles();
        ids = LongStream.range(0, 25).toArray();
        labels = Arrays.copyOf(labels, 25);
        Files.writeString(tmp.resolve("val.txt"), path(0) + " 0\n" + path(27) + " 0\n");
        assertThat(fails(files)).hasMessageThat().startsWith(tmp.resolve("val.txt") + ":2: train/c0/img_27.png (id 27 "
                + "in the train lists) is not a training image of the data step, which has 25 training images");
    }

    @Test
    void aDuplicateListLineNamesBothLines() throws IOException {
        SplitFiles files = txtFiles();
        Files.writeString(tmp.resolve("val.txt"), path(0) + " 0\n" + path(1) + " 1\n" + path(0) + " 0\n");
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("val.txt") + ":3: index 0 is listed twice "
                + "(first at " + tmp.resolve("val.txt") + ":1); expected each image once");
    }

    @Test
    void aPoolFileThatDisagreesWithTrainMinusValidationIsRejected() {
        SplitFiles missing = npyFiles().withPool(npy("pool.npy", LongStream.range(7, N).toArray()));
        assertThat(fails(missing)).hasMessageThat().isEqualTo(tmp.resolve("pool.npy") + ": 1 training ids outside "
                + "the validation set (" + tmp.resolve("val.npy") + ") are missing from the pool file (first: id 6); "
                + "expected the pool to be all 24 training ids minus the validation ids");
        SplitFiles withVal = npyFiles().withPool(npy("pool2.npy", LongStream.range(3, N).toArray()));
        assertThat(fails(withVal)).hasMessageThat().isEqualTo(tmp.resolve("pool2.npy") + ": element 0: index 3 is in "
                + "the validation set too (" + tmp.resolve("val.npy") + ": element 4; 3 pool indices are); expected "
                + "the pool to be the training ids minus the validation ids");
    }

    @Test
    void aDamagedValidationFileCaughtByThePoolCrossCheckIsNamed() {
        // Found by SplitFilesFuzzTest: a validation file that lost or gained an id disagrees with the pool file,
        // and the message named only the pool file.
        SplitFiles files = npyFiles().withPool(npy("pool.npy", LongStream.range(6, N).toArray()));
        npy("val.npy", 5, 0, 4, 1, 3);
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("pool.npy") + ": 1 training ids outside the"
                + " validation set (" + tmp.resolve("val.npy") + ") are missing from the pool file (first: id 2);"
                + " expected the pool to be all 25 training ids minus the validation ids");
        npy("val.npy", 5, 0, 4, 1, 3, 2, 29);
        assertThat(fails(files)).hasMessageThat().isEqualTo(tmp.resolve("pool.npy") + ": element 23: index 29 is in"
                + " the validation set too (" + tmp.resolve("val.npy") + ": element 6; 1 pool indices are); expected"
                + " the pool to be the training ids minus the validation ids");
    }

    @Test
    void aDataLabelOutsideNumClassesIsRejected() {
        labels[4] = 3;
        assertThat(fails(npyFiles())).hasMessageThat().isEqualTo("training image 4 of the data has label 3; expected "
                + "0..2 (LoadSplits.dataset(name, numClasses) says 3 classes)");
    }

    @Test
    void aBrokenNpyFileIsReportedByNpyFile() throws IOException {
        SplitFiles files = npyFiles();
        Files.writeString(tmp.resolve("s2_S_b.npy"), "9,10,11\n");
        assertThat(fails(files)).hasMessageThat().startsWith(tmp.resolve("s2_S_b.npy") + ": byte 0: not a NumPy .npy "
                + "file");
    }

    /** A data step for tests: N training images (label i % 3) and 2 test images, 1x1 pixels. */
    static final class EmitImages extends Step<Image> {
        private static final long serialVersionUID = 1L;
        static final Param<Integer> TRAIN = Param.integer("emit.train", 1, "training images to emit").atLeast(0);

        private EmitImages() {
            super(Image.class, TRAIN);
        }

        static EmitImages of(int train) {
            return new EmitImages().withParam(TRAIN, train);
        }

        @Override
        public List<Artifact<?>> inputs() {
            return List.of();
        }

        @Override
        public PCollection<Image> expand(StepInput in) {
            return in.getPipeline().apply("create", Create.of(images(get(TRAIN))).withCoder(AvroCoder.specific(Image.class)));
        }
    }

    /** {@code train} training images (id i, label i % 3) and 2 test images, 1x1 pixels. */
    static List<Image> images(int train) {
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < train + 2; i++) {
            boolean test = i >= train;
            images.add(Image.newBuilder()
                    .setId(test ? ReadIdx.TEST_ID_OFFSET + i - train : i)
                    .setSource(test ? Source.TEST : Source.TRAIN)
                    .setLabel(i % C)
                    .setChannels(1)
                    .setHeight(1)
                    .setWidth(1)
                    .setPixels(ByteBuffer.wrap(new byte[] {(byte) i}))
                    .build());
        }
        return images;
    }
}
