package io.sdclr.steps.subset;

import io.sdclr.steps.internal.subset.SplitPlan;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.internal.data.ImageList;
import io.sdclr.steps.internal.data.NpyFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Turns split files ({@link SplitFiles}) into {@link SplitPlan}s over a training set, checking every file against
 * it. Pure Java, so {@link LoadSplits} runs it in one {@code DoFn} and tests call it directly.
 *
 * <pre>{@code
 * List<SplitPlan> plans = SplitFileLoader.load(files, trainIds, trainLabels, 10, LOG::warn);
 * }</pre>
 */
final class SplitFileLoader {
    private final SplitFiles files;
    private final int numClasses;
    private final Consumer<String> warnings;
    private final Map<Long, Integer> labelOf;
    private final long minId;
    private final long maxId;
    private Map<String, Long> idsByPath;

    /** The ids of one file, with where each came from for messages. */
    private record IdList(String file, long[] ids, int[] lines) {
        String at(int i) {
            return lines == null ? file + ": element " + i : file + ":" + lines[i];
        }
    }

    private SplitFileLoader(SplitFiles files, long[] ids, int[] labels, int numClasses, Consumer<String> warnings) {
        this.files = files;
        this.numClasses = numClasses;
        this.warnings = warnings;
        this.labelOf = new HashMap<>(ids.length * 2);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < ids.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new InvalidInputException("training image %d of the data has label %d; expected 0..%d "
                        + "(LoadSplits.dataset(name, numClasses) says %d classes)", ids[i], labels[i],
                        numClasses - 1, numClasses);
            }
            labelOf.put(ids[i], labels[i]);
            min = Math.min(min, ids[i]);
            max = Math.max(max, ids[i]);
        }
        this.minId = min;
        this.maxId = max;
    }

    /**
     * Loads every split of {@code files}.
     *
     * @param ids the TRAIN ids of the data
     * @param labels their labels, in the same order
     * @param warnings receives one line per tolerated irregularity (S_b outside D_i ∩ D_b when allowed)
     */
    static List<SplitPlan> load(SplitFiles files, long[] ids, int[] labels, int numClasses,
            Consumer<String> warnings) {
        if (ids.length == 0) {
            throw new InvalidInputException("the data has no training images; expected the training set the split "
                    + "files index into");
        }
        return new SplitFileLoader(files, ids, labels, numClasses, warnings).load();
    }

    private List<SplitPlan> load() {
        IdList val = read(files.val());
        Map<Long, Integer> valPosition = positions(val);
        long[] pool = labelOf.keySet().stream().mapToLong(Long::longValue)
                .filter(id -> !valPosition.containsKey(id)).sorted().toArray();
        if (!files.pool().isEmpty()) {
            checkPool(read(files.pool()), pool, val, valPosition);
        }
        long[] valIds = sorted(val.ids());
        List<SplitPlan> out = new ArrayList<>();
        for (int k = 0; k < files.splits(); k++) {
            IdList longTail = read(files.longTail().get(k));
            IdList balanced = read(files.balanced().get(k));
            IdList fewShot = read(files.fewShot().get(k));
            for (IdList set : List.of(longTail, balanced, fewShot)) {
                checkOutsideValidation(set, val, valPosition);
            }
            checkNested(k, longTail, balanced, fewShot);
            int[] counts = new int[numClasses];
            for (long id : longTail.ids()) {
                counts[labelOf.get(id)]++;
            }
            for (int c = 0; c < numClasses; c++) {
                if (counts[c] == 0) {
                    throw new InvalidInputException("%s: class %d has no image in D_i (split %d); expected every one "
                            + "of the %d classes in the long-tailed set (is numClasses right?)", longTail.file(), c,
                            k, numClasses);
                }
            }
            int[] order = IntStream.range(0, numClasses).boxed()
                    .sorted(Comparator.<Integer>comparingInt(c -> -counts[c]).thenComparingInt(c -> c))
                    .mapToInt(Integer::intValue).toArray();
            out.add(new SplitPlan(k, order, counts, sorted(longTail.ids()), sorted(balanced.ids()),
                    sorted(fewShot.ids()), valIds, pool));
        }
        return out;
    }

    /** Reads a file, resolves it to ids and checks each is a training image, listed once. */
    private IdList read(String file) {
        IdList list = file.endsWith(".npy") ? readNpy(file) : readList(file);
        Map<Long, Integer> first = new HashMap<>(list.ids().length * 2);
        for (int i = 0; i < list.ids().length; i++) {
            long id = list.ids()[i];
            Integer before = first.putIfAbsent(id, i);
            if (before != null) {
                throw new InvalidInputException("%s: index %d is listed twice (first at %s); expected each image "
                        + "once", list.at(i), id, list.at(before));
            }
        }
        return list;
    }

    private IdList readNpy(String file) {
        long[] ids = NpyFile.readIndices(Path.of(file));
        IdList list = new IdList(file, ids, null);
        for (int i = 0; i < ids.length; i++) {
            if (!labelOf.containsKey(ids[i])) {
                throw notTraining(list.at(i), "index " + ids[i]);
            }
        }
        return list;
    }

    private IdList readList(String file) {
        if (idsByPath == null) {
            List<Path> lists = files.trainLists().stream().map(Path::of).toList();
            idsByPath = ImageList.idsByPath(ImageList.merge(lists, numClasses));
        }
        List<ImageList.Entry> entries = ImageList.read(Path.of(file), numClasses);
        long[] ids = new long[entries.size()];
        int[] lines = new int[entries.size()];
        for (int i = 0; i < ids.length; i++) {
            ImageList.Entry e = entries.get(i);
            lines[i] = e.line();
            Long id = idsByPath.get(e.path());
            if (id == null) {
                throw new InvalidInputException("%s:%d: %s is in none of the train lists %s; expected an image the "
                        + "data step read as TRAIN", file, e.line(), e.path(), files.trainLists());
            }
            Integer label = labelOf.get(id);
            if (label == null) {
                throw notTraining(file + ":" + e.line(), e.path() + " (id " + id + " in the train lists)");
            }
            if (label != e.label()) {
                throw new InvalidInputException("%s:%d: %s has label %d, but the data has label %d for it (id %d); "
                        + "expected the same label", file, e.line(), e.path(), e.label(), label, id);
            }
            ids[i] = id;
        }
        return new IdList(file, ids, lines);
    }

    private InvalidInputException notTraining(String where, String what) {
        return new InvalidInputException("%s: %s is not a training image of the data step, which has %d training "
                + "images (ids %d..%d); expected an index into its training set (was the data step limited?)",
                where, what, labelOf.size(), minId, maxId);
    }

    private static Map<Long, Integer> positions(IdList list) {
        Map<Long, Integer> out = new HashMap<>(list.ids().length * 2);
        for (int i = 0; i < list.ids().length; i++) {
            out.put(list.ids()[i], i);
        }
        return out;
    }

    private static void checkOutsideValidation(IdList set, IdList val, Map<Long, Integer> valPosition) {
        for (int i = 0; i < set.ids().length; i++) {
            Integer v = valPosition.get(set.ids()[i]);
            if (v != null) {
                throw new InvalidInputException("%s: index %d is also in the validation set (%s); expected the "
                        + "subsets disjoint from the validation set", set.at(i), set.ids()[i], val.at(v));
            }
        }
    }

    /**
     * The pool file must be the training ids minus the validation ids. Either file may be the damaged one, so the
     * messages name both.
     */
    private void checkPool(IdList poolFile, long[] derived, IdList val, Map<Long, Integer> valPosition) {
        Set<Long> listed = new HashSet<>(poolFile.ids().length * 2);
        int inVal = 0;
        int firstInVal = -1;
        for (int i = 0; i < poolFile.ids().length; i++) {
            listed.add(poolFile.ids()[i]);
            if (valPosition.containsKey(poolFile.ids()[i])) {
                inVal++;
                firstInVal = firstInVal < 0 ? i : firstInVal;
            }
        }
        long[] missing = Arrays.stream(derived).filter(id -> !listed.contains(id)).toArray();
        if (inVal > 0) {
            long id = poolFile.ids()[firstInVal];
            throw new InvalidInputException("%s: index %d is in the validation set too (%s; %d pool indices are); "
                    + "expected the pool to be the training ids minus the validation ids", poolFile.at(firstInVal),
                    id, val.at(valPosition.get(id)), inVal);
        }
        if (missing.length > 0) {
            throw new InvalidInputException("%s: %d training ids outside the validation set (%s) are missing from "
                    + "the pool file (first: id %d); expected the pool to be all %d training ids minus the validation "
                    + "ids", poolFile.file(), missing.length, val.file(), missing[0], derived.length);
        }
    }

    private void checkNested(int k, IdList longTail, IdList balanced, IdList fewShot) {
        Set<Long> inLongTail = new HashSet<>(longTail.ids().length * 2);
        Arrays.stream(longTail.ids()).forEach(inLongTail::add);
        Set<Long> inBalanced = new HashSet<>(balanced.ids().length * 2);
        Arrays.stream(balanced.ids()).forEach(inBalanced::add);
        int outside = 0;
        int first = -1;
        for (int i = 0; i < fewShot.ids().length; i++) {
            long id = fewShot.ids()[i];
            if (!inLongTail.contains(id) || !inBalanced.contains(id)) {
                outside++;
                first = first < 0 ? i : first;
            }
        }
        if (outside == 0) {
            return;
        }
        long id = fewShot.ids()[first];
        String message = String.format("split %d: %d of the %d S_b images in %s are not in both D_i and D_b; "
                + "first: %s, index %d (in D_i %s: %s, in D_b %s: %s)", k, outside, fewShot.ids().length,
                fewShot.file(),
                fewShot.at(first), id, longTail.file(), inLongTail.contains(id) ? "yes" : "no", balanced.file(),
                inBalanced.contains(id) ? "yes" : "no");
        if (files.nestedFewShot()) {
            throw new InvalidInputException("%s; expected S_b to be a subset of both, as the protocol's subsets nest "
                    + "(SplitFiles.withNestedFewShot(false) accepts such files with a warning)", message);
        }
        warnings.accept(message + "; accepted (SplitFiles.nestedFewShot is false)");
    }

    private static long[] sorted(long[] a) {
        long[] out = a.clone();
        Arrays.sort(out);
        return out;
    }
}
