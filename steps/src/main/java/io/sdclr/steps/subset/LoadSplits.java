package io.sdclr.steps.subset;

import io.sdclr.steps.internal.subset.SplitRecords;
import io.sdclr.steps.internal.subset.SplitPlan;
import io.sdclr.steps.internal.metrics.Group;
import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads ready-made long-tailed splits (the official SDCLR split files, or your own) instead of drawing them: the
 * same {@link LongTailSplit} records as {@link BuildLongTail}, so every downstream step works unchanged and results
 * are comparable with the paper's.
 *
 * <pre>{@code
 * Artifact<LongTailSplit> subset = wf.step("subset",
 *     LoadSplits.from(data, SplitFiles.officialCifar10(Path.of("SDCLR/split"), 5)).dataset("cifar10", 10));
 * }</pre>
 *
 * <p>Split k of the records comes from the k-th split of {@link SplitFiles} (the official {@code split{k+1}}
 * files). The pool is every training id not in the validation file; the class counts are those of D_i and the
 * class order sorts classes by their D_i count, largest first (ties by class id). Every id must be a training
 * image of the data step; a file listing one twice, a subset overlapping the validation set, S_b outside
 * D_i ∩ D_b (unless {@link SplitFiles#nestedFewShot()} is false), a class missing from D_i or a list label that
 * disagrees with the data is an {@link InvalidInputException} naming the file and the element or line.
 */
public final class LoadSplits extends Step<LongTailSplit> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LoadSplits.class);

    /**
     * Where a workflow finds split files (read while it is built: the files decide the splits). Empty means the
     * workflow's own choice: generated splits (CIFAR) or the data directory's {@code split/} (ImageNet-100).
     */
    public static final Param<String> SPLIT_DIR = Param.string("subset.splitDir", "",
            "the official SDCLR split/ directory to load the paper's splits from (empty = the workflow's default:"
                    + " generated splits for CIFAR, DATA_DIR/split for ImageNet-100)");

    /**
     * What the loader needs: settings of the workflow's code.
     *
     * @param dataset dataset name, recorded in the splits
     * @param numClasses number of classes; labels must be in {@code [0, numClasses)}
     * @param files where the splits come from
     */
    record Params(String dataset, int numClasses, SplitFiles files) implements java.io.Serializable {}

    private final Artifact<Image> images;
    private final Params params;

    private LoadSplits(Artifact<Image> images, Params params) {
        super(LongTailSplit.class);
        this.images = images;
        this.params = params;
    }

    /** The number of splits the files describe. */
    public int splitCount() {
        return params.files().splits();
    }

    /** Loads {@code files} over the training images of {@code images}; the dataset defaults to CIFAR-10. */
    public static LoadSplits from(Artifact<Image> images, SplitFiles files) {
        if (files.splits() == 0) {
            throw new IllegalArgumentException("split files must describe at least one split (SplitFiles.withSplit)");
        }
        if (files.usesLists() && files.trainLists().isEmpty()) {
            throw new IllegalArgumentException(".txt split files need the train lists the data step read "
                    + "(SplitFiles.withTrainLists) to resolve their paths to image ids");
        }
        return new LoadSplits(images, new Params("cifar10", 10, files));
    }

    public LoadSplits dataset(String name, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, was " + numClasses);
        }
        return new LoadSplits(images, new Params(name, numClasses, params.files()));
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("dataset", params.dataset(), "numClasses", Integer.toString(params.numClasses()), "files",
                params.files().toString());
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(images);
    }

    /** One record per split of the files, every class in D_i ({@link SplitRecords#contract}). */
    @Override
    public OutputContract<LongTailSplit> outputContract() {
        return SplitRecords.contract(params.files().splits(), params.numClasses());
    }

    /** Every split file and train list: their content enters the cache key. */
    @Override
    public List<Path> externalInputs() {
        Set<Path> out = new LinkedHashSet<>();
        for (String f : params.files().allSplitFiles()) {
            out.add(Path.of(f));
        }
        if (params.files().usesLists()) {
            for (String f : params.files().trainLists()) {
                out.add(Path.of(f));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void checkExternalInputs() {
        List<String> missing = new ArrayList<>();
        for (Path p : externalInputs()) {
            if (!Files.isRegularFile(p)) {
                missing.add(p.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("split files: missing %d file(s): %s; expected every validation, "
                    + "D_i, D_b and S_b file (for the official splits, the split/ directory of "
                    + "github.com/VITA-Group/SDCLR)", missing.size(), String.join(", ", missing));
        }
    }

    @Override
    public PCollection<LongTailSplit> expand(StepInput in) {
        return SplitRecords.trainLabels(in.get(images)).apply("load", ParDo.of(new Load(params)));
    }

    /** Reads and checks the split files against all (id, label) pairs of the training set. */
    static final class Load extends DoFn<Iterable<KV<Long, Integer>>, LongTailSplit> {
        private static final long serialVersionUID = 1L;
        private final Params params;

        Load(Params params) {
            this.params = params;
        }

        @ProcessElement
        public void process(@Element Iterable<KV<Long, Integer>> all, OutputReceiver<LongTailSplit> out) {
            SplitRecords.Labelled train = SplitRecords.Labelled.of(all);
            for (SplitPlan p : SplitFileLoader.load(params.files(), train.ids(), train.labels(), params.numClasses(),
                    LOG::warn)) {
                out.output(SplitRecords.record(p, params.dataset()));
            }
        }
    }
}
