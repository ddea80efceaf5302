package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's workflows ({@code cifar10-lt}, {@code imagenet100-lt}) through the real CLI on small generated
 * datasets in the real formats, with the official split-file layouts, scaled down with {@code --set}; and their
 * fail-fast errors when the data is absent or broken.
 */
class PaperWorkflowsTest {
    private static final int PER_CLASS_PER_BATCH = 12; // 60 training images per class over the 5 batches

    @TempDir Path tmp;

    private Cli.Result run(String workflow, String... sets) {
        List<String> args = new ArrayList<>(List.of("run", workflow, "--store", tmp.resolve("store").toString(),
                "--out", tmp.resolve("out-" + workflow).toString()));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return Cli.run(args.toArray(String[]::new));
    }

    /** The official CIFAR-10 layout: valIdxList.npy and split{k}_D_i/D_b/S_b.npy, nested per-class prefixes. */
    private int[][] officialCifar10Splits(Path split, int splits) throws IOException {
        List<List<Long>> byClass = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            byClass.add(new ArrayList<>());
        }
        for (long id = 0; id < 5L * 10 * PER_CLASS_PER_BATCH; id++) {
            byClass.get(TinyDatasets.cifarTrainLabel((int) id, PER_CLASS_PER_BATCH)).add(id);
        }
        List<Long> val = new ArrayList<>();
        for (List<Long> ids : byClass) {
            val.addAll(ids.subList(0, 10));
        }
        TinyDatasets.npy(split.resolve("cifar10/valIdxList.npy"), longs(val));
        List<Long> rest = new ArrayList<>();
        for (long id = 0; id < 5L * 10 * PER_CLASS_PER_BATCH; id++) {
            if (!val.contains(id)) {
                rest.add(id);
            }
        }
        TinyDatasets.npy(split.resolve("cifar10/trainIdxList.npy"), longs(rest));
        int[][] counts = new int[splits][10];
        for (int k = 0; k < splits; k++) {
            Random rnd = new Random(k);
            List<Long> di = new ArrayList<>();
            List<Long> db = new ArrayList<>();
            List<Long> sb = new ArrayList<>();
            for (int c = 0; c < 10; c++) {
                List<Long> pool = new ArrayList<>(byClass.get(c).subList(10, byClass.get(c).size()));
                java.util.Collections.shuffle(pool, rnd);
                int tail = (c + k) % 10; // tail position of class c in split k
                counts[k][c] = (int) (40 * Math.pow(0.1, tail / 9.0));
                di.addAll(pool.subList(0, counts[k][c]));
                db.addAll(pool.subList(0, 16));
                sb.addAll(pool.subList(0, 3));
            }
            Path dir = split.resolve("cifar10_imbSub_with_subsets");
            TinyDatasets.npy(dir.resolve("split" + (k + 1) + "_D_i.npy"), longs(di));
            TinyDatasets.npy(dir.resolve("split" + (k + 1) + "_D_b.npy"), longs(db));
            TinyDatasets.npy(dir.resolve("split" + (k + 1) + "_S_b.npy"), longs(sb));
        }
        return counts;
    }

    private static long[] longs(List<Long> l) {
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    private static final String[] SMALL = {
        "pretrain.epochs=1", "pretrain.width=0.25", "pretrain.batch=32", "pretrain.warmupEpochs=0",
        "probe.epochs=2", "fewshot.epochs=2", "knn.k=5,2"
    };

    private static String[] with(String... extra) {
        String[] all = Arrays.copyOf(SMALL, SMALL.length + extra.length);
        System.arraycopy(extra, 0, all, SMALL.length, extra.length);
        return all;
    }

    @Test
    void cifar10LtRunsOnTheOfficialSplitFilesAndReportsTheirClassCounts() throws IOException {
        Path data = tmp.resolve("cifar-10-batches-bin");
        TinyDatasets.cifar10(data, PER_CLASS_PER_BATCH, 10, 7);
        int[][] counts = officialCifar10Splits(tmp.resolve("split"), 2);

        Cli.Result r = run("cifar10-lt", with("data.dir=" + data, "subset.splitDir=" + tmp.resolve("split"),
                "subset.splits=2"));
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.lastLine()).contains("workflow=cifar10-lt");
        String json = Files.readString(tmp.resolve("out-cifar10-lt/results.json"));
        assertThat(json).contains("\"dataset\": \"cifar10\"");
        for (int k = 0; k < 2; k++) {
            StringBuilder c = new StringBuilder();
            for (int v : counts[k]) {
                c.append(c.length() == 0 ? "" : ", ").append(v);
            }
            assertThat(json).contains("{\"split\": " + k + ", \"class_counts\": [" + c + "]}");
        }
        for (String evaluation : List.of("\"linear\"", "\"fewshot\"", "\"knn\"", "\"knn2\"")) {
            assertThat(json).contains(evaluation);
        }
        String md = Files.readString(tmp.resolve("out-cifar10-lt/report.md"));
        assertThat(md).contains("## kNN, k = 5");
        assertThat(md).contains("## kNN, k = 2");
    }

    @Test
    void cifar10LtFailsFastWhenTheDataIsAbsentOrBroken() throws IOException {
        Cli.Result absent = run("cifar10-lt", "data.dir=" + tmp.resolve("nowhere"));
        assertThat(absent.exitCode()).isEqualTo(2);
        assertThat(absent.err()).contains("data.dir=" + tmp.resolve("nowhere"));
        assertThat(absent.err()).contains("cs.toronto.edu/~kriz/cifar.html");
        assertThat(absent.err()).doesNotContain("\tat ");

        Path data = tmp.resolve("cifar");
        TinyDatasets.cifar10(data, PER_CLASS_PER_BATCH, 10, 7);
        Path batch3 = data.resolve("data_batch_3.bin");
        byte[] bytes = Files.readAllBytes(batch3);
        Files.write(batch3, Arrays.copyOf(bytes, bytes.length - 100)); // the last record is cut short
        Cli.Result truncated = run("cifar10-lt", with("data.dir=" + data));
        assertThat(truncated.exitCode()).isEqualTo(2);
        assertThat(truncated.err()).contains(batch3.toString());
        assertThat(truncated.err()).contains("record " + (10 * PER_CLASS_PER_BATCH - 1));
        assertThat(truncated.err()).doesNotContain("\tat ");
        assertThat(Files.exists(tmp.resolve("out-cifar10-lt/results.json"))).isFalse();

        Path splits = tmp.resolve("split");
        TinyDatasets.cifar10(data, PER_CLASS_PER_BATCH, 10, 7);
        Cli.Result noSplits = run("cifar10-lt", with("data.dir=" + data, "subset.splitDir=" + splits));
        assertThat(noSplits.exitCode()).isEqualTo(2);
        assertThat(noSplits.err()).contains(splits.resolve("cifar10").resolve("valIdxList.npy").toString());
    }

    @Test
    void imagenet100LtRunsOnAnImageFolderWithTheOfficialListFiles() throws IOException {
        Path root = tmp.resolve("imagenet");
        int[] lt = new int[100];
        int[] rest = new int[100];
        for (int c = 0; c < 100; c++) {
            lt[c] = c < 10 ? 3 : 1;
            rest[c] = 2;
        }
        // D_i: 3 images of classes 0-9, 1 of the others; D_b: 1 of each plus a second image; S_b inside both.
        List<String> ltLines = TinyDatasets.pngFolder(root, "train", lt, 40, 30, 1);
        List<String> extra = TinyDatasets.pngFolder(root, "train-extra", rest, 36, 36, 2);
        List<String> test = TinyDatasets.pngFolder(root, "val", rest, 33, 40, 4);
        List<String> first = new ArrayList<>();
        List<String> balanced = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (int c = 0, i = 0; c < 100; c++) {
            first.add(ltLines.get(i));
            balanced.add(ltLines.get(i));
            balanced.add(extra.get(2 * c));
            validation.add(extra.get(2 * c + 1));
            i += lt[c];
        }
        Path lists = tmp.resolve("split/imagenet-100");
        TinyDatasets.lines(lists.resolve("imageNet_100_LT_train.txt"), ltLines);
        TinyDatasets.lines(lists.resolve("imageNet_100_BL_train.txt"), balanced);
        TinyDatasets.lines(lists.resolve("imageNet_100_sub_balance_train_0.01.txt"), first);
        TinyDatasets.lines(lists.resolve("ImageNet_100_val.txt"), validation);
        TinyDatasets.lines(lists.resolve("ImageNet_100_test.txt"), test);

        Cli.Result r = run("imagenet100-lt", with("data.dir=" + root, "subset.splitDir=" + tmp.resolve("split"),
                "data.size=32", "pretrain.batch=16"));
        assertThat(r.exitCode()).isEqualTo(0);
        String json = Files.readString(tmp.resolve("out-imagenet100-lt/results.json"));
        assertThat(json).contains("\"dataset\": \"imagenet-100\"");
        assertThat(json).contains("\"pretrain.arch\": \"resnet50\"");
        assertThat(json).contains("{\"split\": 0, \"class_counts\": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1");
        String md = Files.readString(tmp.resolve("out-imagenet100-lt/report.md"));
        assertThat(md).contains("Many = more than 100 images in D_i, Few = fewer than 20");
    }

    @Test
    void imagenet100LtFailsFastWithoutItsListFiles() {
        Cli.Result r = run("imagenet100-lt", "data.dir=" + tmp);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("imageNet_100_LT_train.txt");
        assertThat(r.err()).doesNotContain("\tat ");
    }
}
