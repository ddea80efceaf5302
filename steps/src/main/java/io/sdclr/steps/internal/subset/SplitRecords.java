package io.sdclr.steps.internal.subset;

import io.sdclr.dsl.Gather;
import io.sdclr.dsl.OutputContract;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Source;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * What both subset steps ({@link BuildLongTail}, {@link LoadSplits}) share: gathering the training set's
 * (id, label) pairs, turning a {@link SplitPlan} into its Avro record, and finding one split among a subset
 * artifact's records.
 */
public final class SplitRecords {
    private SplitRecords() {}

    /**
     * The output contract of both subset steps: one record per split, numbered 0..splits-1, each with every one of
     * the {@code numClasses} classes in D_i (pretraining on a D_i without some class, or probing with a class of no
     * images, would be meaningless) and D_i holding exactly the images its class counts add up to.
     */
    public static OutputContract<LongTailSplit> contract(int splits, int numClasses) {
        return OutputContract.<LongTailSplit>exactly(splits)
                .andEach("every one of the " + numClasses + " classes has at least one image in D_i, and D_i holds "
                        + "as many images as its class counts add up to", s -> everyClassInLongTail(s, numClasses))
                .andAll("the splits are numbered 0.." + (splits - 1), all -> all.stream()
                        .map(LongTailSplit::getSplit).sorted().toList()
                        .equals(java.util.stream.IntStream.range(0, splits).boxed().toList()));
    }

    private static boolean everyClassInLongTail(LongTailSplit s, int numClasses) {
        List<Integer> counts = s.getClassCounts();
        return s.getNumClasses() == numClasses && counts.size() == numClasses
                && counts.stream().allMatch(c -> c >= 1)
                && counts.stream().mapToLong(Integer::longValue).sum() == s.getLongTailIds().size();
    }

    /** Split number {@code split} of a subset artifact's records. */
    public static LongTailSplit find(List<LongTailSplit> splits, int split) {
        for (LongTailSplit s : splits) {
            if (s.getSplit() == split) {
                return s;
            }
        }
        throw new IllegalStateException("the subset artifact has no split " + split + " (it has " + splits.size()
                + ")");
    }

    /** All (id, label) pairs of the TRAIN images, gathered into one element. */
    public static PCollection<Iterable<KV<Long, Integer>>> trainLabels(PCollection<Image> images) {
        return images
                .apply("train only", Filter.by((Image im) -> im.getSource() == Source.TRAIN))
                .apply("id and label", MapElements
                        .into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.integers()))
                        .via((Image im) -> KV.of(im.getId(), im.getLabel())))
                .setCoder(KvCoder.of(VarLongCoder.of(), VarIntCoder.of()))
                .apply("gather", Gather.all());
    }

    /** The gathered pairs as parallel arrays: {@code ids[i]} has label {@code labels[i]}. */
    public record Labelled(long[] ids, int[] labels) {
        public static Labelled of(Iterable<KV<Long, Integer>> all) {
            List<KV<Long, Integer>> list = new ArrayList<>();
            all.forEach(list::add);
            long[] ids = new long[list.size()];
            int[] labels = new int[list.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = list.get(i).getKey();
                labels[i] = list.get(i).getValue();
            }
            return new Labelled(ids, labels);
        }
    }

    public static LongTailSplit record(SplitPlan p, String dataset) {
        return LongTailSplit.newBuilder()
                .setSplit(p.split())
                .setDataset(dataset)
                .setNumClasses(p.numClasses())
                .setClassOrder(ints(p.classOrder()))
                .setClassCounts(ints(p.classCounts()))
                .setLongTailIds(longs(p.longTailIds()))
                .setBalancedIds(longs(p.balancedIds()))
                .setFewShotIds(longs(p.fewShotIds()))
                .setValIds(longs(p.valIds()))
                .setPoolIds(longs(p.poolIds()))
                .build();
    }

    public static List<Integer> ints(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) {
            l.add(v);
        }
        return l;
    }

    public static List<Long> longs(long[] a) {
        List<Long> l = new ArrayList<>(a.length);
        for (long v : a) {
            l.add(v);
        }
        return l;
    }
}
