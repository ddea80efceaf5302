package io.sdclr.steps.report;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sdclr.steps.avro.PieAnalysis;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The evidence in the report: training curves, PIEs, the balanced control, the paper's numbers, class names. */
class ReportEvidenceTest {

    private static final Pattern IMG = Pattern.compile(
            "<img class=\"px\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" width=\"(\\d+)\" height=\"(\\d+)\"");

    private static SortedMap<String, byte[]> render(ReportInput in) {
        return ReportRenderer.render(in);
    }

    private static String text(SortedMap<String, byte[]> files, String name) {
        return new String(files.get(name), StandardCharsets.UTF_8);
    }

    private static JsonNode json(SortedMap<String, byte[]> files) throws IOException {
        return new ObjectMapper().readTree(files.get("results.json"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static int count(String haystack, String needle) {
        return haystack.split(Pattern.quote(needle), -1).length - 1;
    }

    @Test
    void pieGroupsArePerSplitGroupMeansOverSplitsWithTheAccuracyGrouping() throws IOException {
        JsonNode pie = json(render(EvidenceFixture.toy())).get("methods").get("sdclr").get("pie");
        assertThat(fieldNames(pie)).containsExactly("splits", "perSplit", "many", "medium", "few", "all", "perClass",
                "byClassifier").inOrder();
        assertThat(pie.get("splits").toString()).isEqualTo("[0,1]");
        // Split 0 (groups: Many c0 c2, Medium c1 c4, Few c3 c5) rates {10, 20, 0, 40, 30, 60}: Many 5, Medium 25,
        // Few 50, All 160 / 6. Split 1 (Many c1 c3, Medium c2 c5, Few c0 c4) {50, 4, 20, 6, 70, NaN}: Many 5,
        // Medium 20 (c5 has no images), Few 60, All 150 / 5 = 30.
        assertThat(pie.get("many").get("mean").asDouble()).isEqualTo(5.0);
        assertThat(pie.get("many").get("sd").asDouble()).isEqualTo(0.0);
        assertThat(pie.get("medium").get("mean").asDouble()).isEqualTo(22.5);
        assertThat(pie.get("medium").get("sd").asDouble()).isEqualTo(2.5);
        assertThat(pie.get("few").get("mean").asDouble()).isEqualTo(55.0);
        assertThat(pie.get("few").get("sd").asDouble()).isEqualTo(5.0);
        assertThat(pie.get("all").get("mean").asDouble()).isEqualTo(28.333333);
        assertThat(pie.get("all").get("sd").asDouble()).isEqualTo(1.666667);
        JsonNode perSplit = pie.get("perSplit").get(1);
        assertThat(perSplit.get("split").asInt()).isEqualTo(1);
        assertThat(perSplit.get("prune").asDouble()).isEqualTo(0.9);
        assertThat(perSplit.get("bnSet").asText()).isEqualTo("pruned");
    }

    @Test
    void perClassRatesCarryTheCountsOfEverySplitAndSkipClassesWithoutImages() throws IOException {
        JsonNode perClass = json(render(EvidenceFixture.toy())).get("methods").get("sdclr").get("pie").get("perClass");
        assertThat(perClass.size()).isEqualTo(6);
        JsonNode c0 = perClass.get(0);
        assertThat(fieldNames(c0)).containsExactly("class", "name", "counts", "rate").inOrder();
        assertThat(c0.get("class").asInt()).isEqualTo(0);
        assertThat(c0.get("name").asText()).isEqualTo("0");
        assertThat(c0.get("counts").toString()).isEqualTo("[50,2]");
        // 10 and 50.
        assertThat(c0.get("rate").get("mean").asDouble()).isEqualTo(30.0);
        assertThat(c0.get("rate").get("sd").asDouble()).isEqualTo(20.0);
        // 60 and NaN (no images): the one split that has it.
        assertThat(perClass.get(5).get("rate").get("mean").asDouble()).isEqualTo(60.0);
        assertThat(perClass.get(5).get("rate").get("sd").asDouble()).isEqualTo(0.0);
    }

    @Test
    void everyClassifierAndImageSetIsSummarisedWithDenseAndPrunedAccuracy() throws IOException {
        JsonNode by = json(render(EvidenceFixture.toy())).get("methods").get("sdclr").get("pie").get("byClassifier");
        assertThat(fieldNames(by)).containsExactly("linear", "knn").inOrder();
        assertThat(fieldNames(by.get("linear"))).containsExactly("train", "test").inOrder();
        JsonNode train = by.get("linear").get("train");
        assertThat(fieldNames(train)).containsExactly("splits", "many", "medium", "few", "all", "denseAccuracy",
                "prunedAccuracy").inOrder();
        assertThat(train.get("few").get("mean").asDouble()).isEqualTo(55.0);
        assertThat(train.get("denseAccuracy").get("mean").asDouble()).isEqualTo(85.0);
        assertThat(train.get("denseAccuracy").get("sd").asDouble()).isEqualTo(5.0);
        assertThat(train.get("prunedAccuracy").get("mean").asDouble()).isEqualTo(73.0);
        assertThat(train.get("prunedAccuracy").get("sd").asDouble()).isEqualTo(3.0);
        // Only split 0 has the test images: {1..6}, Few (c3, c5) = 5.
        JsonNode test = by.get("linear").get("test");
        assertThat(test.get("splits").toString()).isEqualTo("[0]");
        assertThat(test.get("few").get("mean").asDouble()).isEqualTo(5.0);
        // kNN on D_i: Few 6 (split 0) and 0 (split 1); All 2 and 4.
        JsonNode knn = by.get("knn").get("train");
        assertThat(knn.get("few").get("mean").asDouble()).isEqualTo(3.0);
        assertThat(knn.get("few").get("sd").asDouble()).isEqualTo(3.0);
        assertThat(knn.get("all").get("mean").asDouble()).isEqualTo(3.0);
        assertThat(knn.get("all").get("sd").asDouble()).isEqualTo(1.0);
    }

    @Test
    void curvesAreInResultsJsonPerSplit() throws IOException {
        JsonNode methods = json(render(EvidenceFixture.toy())).get("methods");
        JsonNode sdclr = methods.get("sdclr").get("curves");
        assertThat(sdclr.size()).isEqualTo(1);
        assertThat(fieldNames(sdclr.get(0))).containsExactly("split", "loss", "maskKept", "maskThreshold").inOrder();
        assertThat(sdclr.get(0).get("loss").toString()).isEqualTo("[6.5,6,5.75]");
        assertThat(sdclr.get(0).get("maskKept").toString()).isEqualTo("[0.1,0.1,0.1]");
        assertThat(sdclr.get(0).get("maskThreshold").toString()).isEqualTo("[0.0123,0.0234,0.0345]");
        JsonNode simclr = methods.get("simclr").get("curves").get(0);
        assertThat(simclr.get("maskKept").size()).isEqualTo(0);
        assertThat(simclr.get("maskThreshold").size()).isEqualTo(0);
        // The balanced control has results but no encoder: no curves.
        assertThat(methods.get("simclr-balanced").has("curves")).isFalse();
        assertThat(methods.get("simclr-balanced").has("linear")).isTrue();
    }

    @Test
    void curvesAreChartedOneLinePerEncoderAndTheMaskOnlyForSdclr() {
        String html = text(render(EvidenceFixture.tenClass("fashion-mnist", 1)), "report.html");
        assertThat(html).contains("<h2>Training curves</h2>");
        String loss = chart(html, "Pretraining loss per epoch");
        // Four pretrainings (2 methods x 2 splits), each a line with its split in the tooltip.
        assertThat(count(loss, "<polyline ")).isEqualTo(4);
        assertThat(loss).contains("<title>SDCLR, split 1</title>");
        assertThat(loss).contains("SimCLR, split 0: epoch 5: 5.4000");
        String kept = chart(html, "SDCLR pruning mask: conv weights kept per epoch");
        assertThat(count(kept, "<polyline ")).isEqualTo(2);
        assertThat(kept).doesNotContain("SimCLR");
        assertThat(kept).contains("SDCLR, split 0: epoch 1: 10.00");
        assertThat(chart(html, "SDCLR pruning mask: magnitude threshold per epoch")).contains("epoch 3: 0.02350");
        String md = text(render(EvidenceFixture.tenClass("fashion-mnist", 1)), "report.md");
        assertThat(md).contains("| SDCLR | 1 | 5 | 6.4500 | 5.6500 | 10.00 % | 0.02510 |");
        assertThat(md).contains("| SimCLR | 0 | 5 | 6.2000 | 5.4000 | — | — |");
    }

    @Test
    void pieSectionHasTheDefinitionTablesChartAndGrid() {
        SortedMap<String, byte[]> files = render(EvidenceFixture.toy());
        String md = text(files, "report.md");
        assertThat(md).contains("## Pruning-identified exemplars (PIEs)");
        assertThat(md).contains("single-model form of Hooker et al.'s (2019) definition");
        assertThat(md).contains("pruning ratio p = 0.9 (it keeps 10.0 % of them; BatchNorm set of the pruned copy:"
                + " SimCLR dense, SDCLR pruned)");
        assertThat(md).contains("held-out validation set");
        assertThat(md).contains("| Method | Many | Medium | Few | All |");
        assertThat(md).contains("| SDCLR | 5.00 ± 0.00 | 22.50 ± 2.50 | 55.00 ± 5.00 | 28.33 ± 1.67 |");
        assertThat(md).contains("| SimCLR | 5.00 ± 0.00 | 5.00 ± 0.00 | 5.00 ± 0.00 | 5.00 ± 0.00 |");
        assertThat(md).contains("| SDCLR | knn | D_i | 0.00 ± 0.00 | 6.00 ± 6.00 | 3.00 ± 3.00 | 3.00 ± 1.00 |"
                + " 80.00 ± 5.00 | 77.00 ± 3.00 |");
        assertThat(md).contains("grid of example PIEs and non-PIEs are in report.html");
        assertThat(md.indexOf("| SimCLR | 5.00")).isLessThan(md.indexOf("| SDCLR | 5.00"));

        String html = text(files, "report.html");
        assertThat(html).contains("<td class=\"n\">55.00 ± 5.00</td>");
        String chart = chart(html, "PIE rate by class size");
        // Rank 0 is class 2 (100 images) in split 0 and class 1 (100) in split 1: rates 0 and 4.
        assertThat(chart).contains("SDCLR: rank 0, 100.0 images in D_i: 2.00 % PIEs");
        // Log-scale x ticks.
        assertThat(chart).contains(">10</text>");
        assertThat(chart).contains(">100</text>");
        assertThat(html).contains("<h3>SDCLR, split 0: example PIEs and non-PIEs</h3>");
        assertThat(html).contains("<h3>SimCLR, split 0: example PIEs and non-PIEs</h3>");
    }

    @Test
    void gridImagesAreEmbeddedPngsThatDecodeToTheExamplePixels() throws IOException {
        String html = text(render(EvidenceFixture.tenClass("cifar10", 3)), "report.html");
        Matcher m = IMG.matcher(html);
        int images = 0;
        while (m.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isEqualTo(32);
            assertThat(img.getHeight()).isEqualTo(32);
            assertThat(m.group(2)).isEqualTo("64");
            images++;
        }
        // 2 methods x 10 classes x 2 examples of split 0.
        assertThat(images).isEqualTo(40);
        assertThat(html).contains("img.px{image-rendering:pixelated");
        assertThat(html).contains("<figcaption>cat<br>dense: cat<br>pruned: deer</figcaption>");

        // The first image of the SimCLR grid: split 0's head class (0, airplane), its PIE (id 0), RGB from CHW.
        m = IMG.matcher(html);
        assertThat(m.find()).isTrue();
        BufferedImage first = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        byte[] px = EvidenceFixture.pixels(3, 32, 0);
        int x = 5;
        int y = 9;
        int rgb = (px[y * 32 + x] & 0xff) << 16 | (px[1024 + y * 32 + x] & 0xff) << 8 | (px[2048 + y * 32 + x] & 0xff);
        assertThat(first.getRGB(x, y) & 0xffffff).isEqualTo(rgb);
    }

    @Test
    void grayscaleImagesStayOneChannelAndAreUpscaledTwice() throws IOException {
        String html = text(render(EvidenceFixture.tenClass("fashion-mnist", 1)), "report.html");
        Matcher m = IMG.matcher(html);
        assertThat(m.find()).isTrue();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        assertThat(img.getRaster().getNumBands()).isEqualTo(1);
        assertThat(img.getRaster().getSample(3, 4, 0)).isEqualTo(EvidenceFixture.pixels(1, 28, 0)[4 * 28 + 3] & 0xff);
        assertThat(m.group(2)).isEqualTo("56");
        assertThat(m.group(3)).isEqualTo("56");
    }

    @Test
    void badExamplePixelsNameTheExample() {
        PieAnalysis good = EvidenceFixture.toy().pies().get(0);
        PieAnalysis bad = PieAnalysis.newBuilder(good).setExamples(List.of(
                io.sdclr.steps.avro.PieExample.newBuilder(good.getExamples().get(0))
                        .setPixels(java.nio.ByteBuffer.wrap(new byte[10])).build())).build();
        ReportInput in = EvidenceFixture.toy().withPies(List.of(bad));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> render(in));
        assertThat(e).hasMessageThat().contains("example 0 has 10 pixel bytes, expected 784 (1x28x28, CHW)");
    }

    @Test
    void pieAnalysesThatContradictTheProbeResultsAreRefused() {
        ReportInput base = EvidenceFixture.toy();
        PieAnalysis p = base.pies().get(0);
        PieAnalysis otherCounts = PieAnalysis.newBuilder(p).setClassCounts(List.of(50, 20, 100, 5, 10, 3)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> render(base.withPies(List.of(otherCounts))));
        assertThat(e).hasMessageThat().contains("PIE analysis of sdclr split 0 has class counts"
                + " [50, 20, 100, 5, 10, 3], but the split's probe results have [50, 20, 100, 5, 10, 2]");
        e = assertThrows(IllegalArgumentException.class, () -> render(base.withPies(List.of(p, p))));
        assertThat(e).hasMessageThat().isEqualTo("PIE analysis of sdclr has two records for split 0");
    }

    @Test
    void balancedControlLineIsComputedFromTheLinearGroups() throws IOException {
        SortedMap<String, byte[]> files = render(EvidenceFixture.toy());
        // SimCLR: Many 85, Medium 50, Few 17.5, All 50.833333; SDCLR 93.75, 65, 35, 64.583333; control 95 everywhere.
        String sentence = "What the balanced control shows: the long tail costs SimCLR 10.00 / 45.00 / 77.50 points on"
                + " Many / Medium / Few (All 44.17) in the linear probe";
        String recovered = "SDCLR on D_i recovers 8.75 / 15.00 / 17.50 points of it (All 13.75, 31 % of the All cost)";
        String md = text(files, "report.md");
        assertThat(md).contains(sentence);
        assertThat(md).contains(recovered);
        // Under the linear probe's table, before the few-shot one.
        assertThat(md.indexOf(sentence)).isLessThan(md.indexOf("## Few-shot probe"));
        assertThat(md.indexOf(sentence)).isGreaterThan(md.indexOf("## Linear probe"));
        assertThat(text(files, "report.html")).contains(recovered);
        JsonNode control = json(files).get("balancedControl");
        assertThat(control.get("evaluation").asText()).isEqualTo("linear");
        assertThat(control.get("cost").get("few").asDouble()).isEqualTo(77.5);
        assertThat(control.get("cost").get("all").asDouble()).isEqualTo(44.166667);
        assertThat(control.get("recovered").get("many").asDouble()).isEqualTo(8.75);

        // Without the control's results: no line, no field.
        SortedMap<String, byte[]> without = render(ReportRendererTest.fixture());
        assertThat(text(without, "report.md")).doesNotContain("balanced control");
        assertThat(json(without).has("balancedControl")).isFalse();
    }

    /** fmnist-lt at 5 epochs: the long tail cost SimCLR 0.07 points, so a recovered share (−2109 %) would be noise. */
    @Test
    void noRecoveredShareAgainstACostWithinTheNoise() {
        BalancedControl tiny = new BalancedControl(new double[] {-0.36, 0.70, 0.02, 0.07},
                new double[] {-1.97, -1.76, -0.78, -1.55}, 0.74);
        assertThat(tiny.recoveredShareOfAll()).isNaN();
        assertThat(tiny.sentence()).contains("On All, the cost is smaller than 1 point (sd over splits up to 0.74): too"
                + " small to measure a recovery against. SDCLR on D_i recovers −1.97 / −1.76 / −0.78 points of it (All"
                + " −1.55): SDCLR minus SimCLR");
        BalancedControl noisy = new BalancedControl(new double[] {0, 0, 0, 1.5}, new double[] {0, 0, 0, 0.5}, 2.0);
        assertThat(noisy.recoveredShareOfAll()).isNaN();
        assertThat(noisy.sentence()).contains("smaller than the spread (sd over splits up to 2.00)");
        BalancedControl clear = new BalancedControl(new double[] {0, 0, 0, 4}, new double[] {0, 0, 0, 1}, 0.5);
        assertThat(clear.recoveredShareOfAll()).isEqualTo(0.25);
    }

    @Test
    void paperNumbersStandBesideOursForCifar10() throws IOException {
        SortedMap<String, byte[]> files = render(EvidenceFixture.tenClass("cifar10", 3));
        String md = text(files, "report.md");
        assertThat(md).contains("## Paper (GPU scale)");
        assertThat(md).contains(
                "| CIFAR10-LT | SimCLR (paper) | SDCLR (paper) | SimCLR (this run) | SDCLR (this run) |");
        // This run's SimCLR and SDCLR linear All (log-shaped fixture accuracies, + 5 points for SDCLR) beside them.
        assertThat(md).contains("| Linear probe, All | 75.55 ± 0.66 | 82.00 ± 0.68 | 69.05 ± 0.00 | 74.05 ± 0.00 |");
        assertThat(md).contains("| Linear probe, Few | 71.37 ± 7.07 | 76.23 ± 6.29 |");
        assertThat(md).contains("| Few-shot probe, All | 67.08 | 70.47 |");
        assertThat(md).contains("the paper's CIFAR runs train 2,000 epochs at width 1");
        assertThat(md).doesNotContain("not comparable");
        assertThat(text(files, "report.html")).contains("<th>SDCLR (paper)</th>");
        JsonNode paper = json(files).get("paper");
        assertThat(paper.get("dataset").asText()).isEqualTo("CIFAR10-LT");
        assertThat(paper.get("rows").get(0).get("sdclr").get("mean").asDouble()).isEqualTo(82.0);
        assertThat(paper.get("rows").get(2).get("simclr").get("sd").isNull()).isTrue();
    }

    @Test
    void otherDatasetsGetTheBudgetSentenceInsteadOfThePapersTable() throws IOException {
        SortedMap<String, byte[]> files = render(EvidenceFixture.tenClass("fashion-mnist", 1));
        String md = text(files, "report.md");
        assertThat(md).contains("This run pretrains 5 epochs of a width-0.25 ResNet-18 (1/16 of the paper's conv"
                + " weights) at batch 256; the paper's CIFAR runs train 2,000 epochs at width 1 (ResNet-18, batch 512)"
                + " — this run has 0.25 % of its epochs. The paper's numbers are not comparable on this dataset.");
        assertThat(md).doesNotContain("SimCLR (paper)");
        assertThat(text(files, "report.html")).doesNotContain("SimCLR (paper)");
        assertThat(json(files).has("paper")).isFalse();
    }

    @Test
    void imagenetComparesWithTheFiveHundredEpochRuns() {
        ReportInput ten = EvidenceFixture.tenClass("fashion-mnist", 1);
        ReportInput in = new ReportInput("imagenet-100-lt", "imagenet-100", ten.params(), ten.grouping(),
                ten.splits(), ten.results());
        String md = text(render(in), "report.md");
        assertThat(md).contains("| Linear probe, All | 65.46 | 66.48 |");
        assertThat(md).contains("the paper's ImageNet-100-LT runs train 500 epochs at width 1 (batch 256) — this run"
                + " has 1 % of its epochs.");
        // No names for ImageNet-100: class ids.
        assertThat(md).contains("(columns: class id)");
    }

    @Test
    void classNamesReplaceIdsWhereTheDatasetIsKnown() throws IOException {
        SortedMap<String, byte[]> files = render(EvidenceFixture.tenClass("fashion-mnist", 1));
        String md = text(files, "report.md");
        assertThat(md).contains("## Class counts in D_i per split (columns: class)");
        assertThat(md).contains("| Split | T-shirt/top | Trouser | Pullover | Dress | Coat | Sandal | Shirt | Sneaker |"
                + " Bag | Ankle boot | Total |");
        String html = text(files, "report.html");
        assertThat(html).contains("<th>Ankle boot</th>");
        // The per-class PIE table, largest mean D_i count first: T-shirt/top, 4500 in split 0 and 969 in split 1.
        assertThat(html).contains("<h3>PIE rate per class</h3>\n<table>\n<tr><th>Class</th><th>D<sub>i</sub> count</th>"
                + "<th>SimCLR</th><th>SDCLR</th></tr>\n<tr><td>T-shirt/top</td><td class=\"n\">4500 / 969</td>");
        assertThat(html).contains("<figcaption>Coat<br>dense: Coat<br>pruned: Sandal</figcaption>");
        JsonNode root = json(files);
        assertThat(root.get("classNames").get(9).asText()).isEqualTo("Ankle boot");
        assertThat(root.get("methods").get("sdclr").get("pie").get("perClass").get(0).get("name").asText())
                .isEqualTo("T-shirt/top");

        assertThat(ClassNames.of("cifar10").orElseThrow().get(3)).isEqualTo("cat");
        List<String> cifar100 = ClassNames.of("cifar100").orElseThrow();
        assertThat(cifar100).hasSize(100);
        assertThat(cifar100).isInStrictOrder();
        assertThat(cifar100.get(0)).isEqualTo("apple");
        assertThat(cifar100.get(1)).isEqualTo("aquarium_fish");
        assertThat(cifar100.get(99)).isEqualTo("worm");
        assertThat(ClassNames.of("imagenet-100")).isEmpty();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassNames.forReport("cifar10", 6));
        assertThat(e).hasMessageThat().isEqualTo("dataset cifar10 has 10 classes, but the results have 6");
    }

    @Test
    void withoutEncodersOrPiesTheirSectionsAreAbsent() throws IOException {
        ReportInput full = EvidenceFixture.tenClass("fashion-mnist", 1);
        SortedMap<String, byte[]> noCurves = render(full.withCurves(List.of()));
        assertThat(text(noCurves, "report.md")).doesNotContain("Training curves");
        assertThat(text(noCurves, "report.html")).doesNotContain("Training curves");
        assertThat(text(noCurves, "report.html")).contains("PIE rate by class size");
        assertThat(json(noCurves).get("methods").get("sdclr").has("curves")).isFalse();
        assertThat(json(noCurves).get("methods").get("sdclr").has("pie")).isTrue();

        SortedMap<String, byte[]> noPies = render(full.withPies(List.of()));
        assertThat(text(noPies, "report.md")).doesNotContain("PIE");
        assertThat(text(noPies, "report.html")).doesNotContain("PIE");
        assertThat(text(noPies, "report.html")).doesNotContain("<img");
        assertThat(text(noPies, "report.html")).contains("Pretraining loss per epoch");
        assertThat(json(noPies).get("methods").get("sdclr").has("pie")).isFalse();

        // A PIE analysis without the primary definition: the other tables only.
        PieAnalysis knnOnly = PieAnalysis.newBuilder(full.pies().get(0))
                .setRates(List.of(full.pies().get(0).getRates().get(1))).setExamples(List.of()).build();
        SortedMap<String, byte[]> secondary = render(full.withPies(List.of(knnOnly)));
        assertThat(text(secondary, "report.md")).contains("| SimCLR | knn | test set |");
        assertThat(text(secondary, "report.md")).doesNotContain("linear classifiers on the images of D_i:\n");
        assertThat(text(secondary, "report.html")).doesNotContain("PIE rate by class size");
        assertThat(fieldNames(json(secondary).get("methods").get("simclr").get("pie")))
                .containsExactly("splits", "perSplit", "byClassifier").inOrder();
    }

    @Test
    void evidenceIsByteIdenticalWhateverTheInputOrder() {
        ReportInput a = EvidenceFixture.tenClass("cifar10", 3);
        List<TrainingCurve> curves = new ArrayList<>(a.curves());
        java.util.Collections.reverse(curves);
        List<PieAnalysis> pies = new ArrayList<>(a.pies());
        java.util.Collections.reverse(pies);
        SortedMap<String, byte[]> first = render(a);
        SortedMap<String, byte[]> reordered = render(a.withCurves(curves).withPies(pies));
        for (String name : first.keySet()) {
            assertThat(reordered.get(name)).isEqualTo(first.get(name));
        }
    }

    @Test
    void htmlStaysSelfContained() {
        String html = text(render(EvidenceFixture.tenClass("cifar10", 3)), "report.html");
        assertThat(html).doesNotContain("<script");
        assertThat(html).doesNotContain("href=");
        assertThat(html).doesNotContain("url(");
        assertThat(count(html, "src=")).isEqualTo(count(html, "src=\"data:image/png;base64,"));
        assertThat(count(html, "src=")).isEqualTo(40);
    }

    /** The chart whose aria-label is {@code label}, up to its closing tag. */
    private static String chart(String html, String label) {
        int start = html.indexOf("aria-label=\"" + label + "\"");
        assertThat(start).isAtLeast(0);
        return html.substring(start, html.indexOf("</svg>", start));
    }
}
