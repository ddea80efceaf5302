package io.sdclr.steps.subset;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where {@link LoadSplits} finds ready-made long-tailed splits: one validation file and, per split, the files of
 * D_i (long-tailed), D_b (balanced) and S_b (few-shot). Each file is either a NumPy {@code .npy} array of training
 * ids (indices into the training set, as the official CIFAR splits are) or a {@code .txt} list of
 * {@code relative/path label} lines whose paths are resolved to ids through the train list files the data step
 * read (as the official ImageNet-100-LT splits are).
 *
 * <pre>{@code
 * SplitFiles cifar = SplitFiles.officialCifar10(Path.of("SDCLR/split"), 5);
 * SplitFiles own = SplitFiles.validation(Path.of("val.npy"))
 *     .withSplit(Path.of("a_D_i.npy"), Path.of("a_D_b.npy"), Path.of("a_S_b.npy"));
 * }</pre>
 *
 * <p>Paths are kept as text so the value is serializable and prints as {@code subset.files.*} parameters; their
 * content enters the cache key through {@link LoadSplits#externalInputs()}.
 *
 * @param val the validation ids (held out of the pool; disjoint from every D_i, D_b, S_b)
 * @param longTail per split, the D_i file
 * @param balanced per split, the D_b file
 * @param fewShot per split, the S_b file
 * @param pool optional ({@code ""} = none): the pool file; if given it must hold exactly every training id not in
 *     the validation set (a cross-check; the pool is always derived)
 * @param trainLists the list files the data step read as TRAIN, in order ({@code .txt} split files only)
 * @param nestedFewShot true: an S_b image outside D_i ∩ D_b is an error (the protocol's splits nest); false: it is
 *     reported as a warning (the official ImageNet-100-LT S_b is sampled from the full training set)
 */
public record SplitFiles(
        String val,
        List<String> longTail,
        List<String> balanced,
        List<String> fewShot,
        String pool,
        List<String> trainLists,
        boolean nestedFewShot)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Number of splits the official CIFAR files provide ({@code split1..split5}). */
    public static final int OFFICIAL_CIFAR_SPLITS = 5;

    public SplitFiles {
        Objects.requireNonNull(val, "val");
        Objects.requireNonNull(pool, "pool");
        longTail = List.copyOf(longTail);
        balanced = List.copyOf(balanced);
        fewShot = List.copyOf(fewShot);
        trainLists = List.copyOf(trainLists);
        if (longTail.size() != balanced.size() || longTail.size() != fewShot.size()) {
            throw new IllegalArgumentException(String.format("every split needs a D_i, D_b and S_b file; got %d, %d "
                    + "and %d", longTail.size(), balanced.size(), fewShot.size()));
        }
        checkFile("validation", val);
        for (int k = 0; k < longTail.size(); k++) {
            checkFile("split " + k + " D_i", longTail.get(k));
            checkFile("split " + k + " D_b", balanced.get(k));
            checkFile("split " + k + " S_b", fewShot.get(k));
        }
        if (!pool.isEmpty()) {
            checkFile("pool", pool);
        }
        for (String t : trainLists) {
            if (!t.endsWith(".txt")) {
                throw new IllegalArgumentException("train list " + t + " must be a .txt list of 'relative/path label' "
                        + "lines");
            }
        }
    }

    private static void checkFile(String what, String file) {
        if (!file.endsWith(".npy") && !file.endsWith(".txt")) {
            throw new IllegalArgumentException(what + " file " + file + " must end in .npy (an array of training "
                    + "ids) or .txt (a list of 'relative/path label' lines)");
        }
    }

    /** Starts a description with its validation file and no splits yet; add them with {@link #withSplit}. */
    public static SplitFiles validation(Path val) {
        return new SplitFiles(val.toString(), List.of(), List.of(), List.of(), "", List.of(), true);
    }

    /** Adds one split (the next index k) from its D_i, D_b and S_b files. */
    public SplitFiles withSplit(Path longTailFile, Path balancedFile, Path fewShotFile) {
        return new SplitFiles(val, plus(longTail, longTailFile), plus(balanced, balancedFile),
                plus(fewShot, fewShotFile), pool, trainLists, nestedFewShot);
    }

    /** Cross-checks the derived pool against a file holding it. */
    public SplitFiles withPool(Path poolFile) {
        return new SplitFiles(val, longTail, balanced, fewShot, poolFile.toString(), trainLists, nestedFewShot);
    }

    /** The list files the data step read as TRAIN, in the same order (needed to resolve {@code .txt} files). */
    public SplitFiles withTrainLists(List<Path> lists) {
        List<String> t = new ArrayList<>();
        for (Path p : lists) {
            t.add(p.toString());
        }
        return new SplitFiles(val, longTail, balanced, fewShot, pool, t, nestedFewShot);
    }

    /** Whether S_b must lie inside D_i ∩ D_b (error) or may leave it (warning). */
    public SplitFiles withNestedFewShot(boolean required) {
        return new SplitFiles(val, longTail, balanced, fewShot, pool, trainLists, required);
    }

    /**
     * The official CIFAR-10-LT splits of the SDCLR code ({@code github.com/VITA-Group/SDCLR}, {@code split/}):
     * {@code cifar10/valIdxList.npy}, the pool {@code cifar10/trainIdxList.npy} and, for split k = 0..splits-1,
     * {@code cifar10_imbSub_with_subsets/split{k+1}_D_i.npy}, {@code _D_b.npy}, {@code _S_b.npy}.
     *
     * @param splitDir the official {@code split/} directory
     * @param splits how many of the five splits to use (the first ones)
     */
    public static SplitFiles officialCifar10(Path splitDir, int splits) {
        checkSplits(splits);
        SplitFiles f = validation(splitDir.resolve("cifar10/valIdxList.npy"))
                .withPool(splitDir.resolve("cifar10/trainIdxList.npy"));
        Path sub = splitDir.resolve("cifar10_imbSub_with_subsets");
        for (int k = 1; k <= splits; k++) {
            f = f.withSplit(sub.resolve("split" + k + "_D_i.npy"), sub.resolve("split" + k + "_D_b.npy"),
                    sub.resolve("split" + k + "_S_b.npy"));
        }
        return f;
    }

    /**
     * The official CIFAR-100-LT splits: {@code cifar100/cifar100_valIdxList.npy} and, for split k,
     * {@code cifar100_imbSub_with_subsets/cifar100_split{k+1}_D_i.npy}, {@code _D_b.npy}, {@code _S_b.npy}.
     */
    public static SplitFiles officialCifar100(Path splitDir, int splits) {
        checkSplits(splits);
        SplitFiles f = validation(splitDir.resolve("cifar100/cifar100_valIdxList.npy"));
        Path sub = splitDir.resolve("cifar100_imbSub_with_subsets");
        for (int k = 1; k <= splits; k++) {
            f = f.withSplit(sub.resolve("cifar100_split" + k + "_D_i.npy"),
                    sub.resolve("cifar100_split" + k + "_D_b.npy"), sub.resolve("cifar100_split" + k + "_S_b.npy"));
        }
        return f;
    }

    /**
     * The official ImageNet-100-LT split (one): {@code imagenet-100/ImageNet_100_val.txt},
     * {@code imageNet_100_LT_train.txt} (D_i), {@code imageNet_100_BL_train.txt} (D_b) and
     * {@code imageNet_100_sub_balance_train_0.01.txt} (S_b). Its S_b is a 1% balanced sample of the full training
     * set, not of D_i ∩ D_b, so S_b images outside them are a warning here; every S_b and validation image must be
     * among the images the data step read from {@code trainLists}.
     *
     * @param trainLists the list files the data step read as TRAIN, in order
     */
    public static SplitFiles officialImageNet100(Path splitDir, List<Path> trainLists) {
        if (trainLists.isEmpty()) {
            throw new IllegalArgumentException("trainLists must name the list files the data step read as TRAIN");
        }
        Path dir = splitDir.resolve("imagenet-100");
        return validation(dir.resolve("ImageNet_100_val.txt"))
                .withSplit(dir.resolve("imageNet_100_LT_train.txt"), dir.resolve("imageNet_100_BL_train.txt"),
                        dir.resolve("imageNet_100_sub_balance_train_0.01.txt"))
                .withTrainLists(trainLists)
                .withNestedFewShot(false);
    }

    private static void checkSplits(int splits) {
        if (splits < 1 || splits > OFFICIAL_CIFAR_SPLITS) {
            throw new IllegalArgumentException(
                    "splits must be 1.." + OFFICIAL_CIFAR_SPLITS + " (the official files), was " + splits);
        }
    }

    private static List<String> plus(List<String> list, Path p) {
        List<String> out = new ArrayList<>(list);
        out.add(p.toString());
        return out;
    }

    /** Number of splits. */
    public int splits() {
        return longTail.size();
    }

    /** True if any split file is a {@code .txt} list. */
    public boolean usesLists() {
        return allSplitFiles().stream().anyMatch(f -> f.endsWith(".txt"));
    }

    /** The validation, pool and split files (not the train lists), in a stable order. */
    public List<String> allSplitFiles() {
        List<String> out = new ArrayList<>();
        out.add(val);
        if (!pool.isEmpty()) {
            out.add(pool);
        }
        for (int k = 0; k < splits(); k++) {
            out.add(longTail.get(k));
            out.add(balanced.get(k));
            out.add(fewShot.get(k));
        }
        return out;
    }
}
