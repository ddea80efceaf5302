package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.dsl.Param;
import io.sdclr.dsl.Step;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.Method;
import io.sdclr.steps.avro.PieAnalysis;
import io.sdclr.steps.avro.Source;
import io.sdclr.steps.avro.TrainSet;
import io.sdclr.steps.internal.model.Branch;
import io.sdclr.steps.internal.model.EncoderSpec;
import io.sdclr.steps.internal.subset.SplitRecords;
import io.sdclr.steps.train.Pretrain;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Pruning Identified Exemplars (PIEs; Hooker et al. 2019, "What do compressed deep neural networks forget?") of one
 * trained encoder: the images on which the encoder and its magnitude-pruned copy disagree. The poster's premise is
 * that PIEs are rare, atypical images, mostly of tail classes, which is why SDCLR contrasts a network with its
 * pruned self. Hooker et al. compare the modal labels of many dense and many pruned models; with one model per
 * split, disagreement of the two predictions is the single-model form of their definition.
 *
 * <pre>{@code
 * Artifact<PieAnalysis> pies = wf.step("pies-sdclr-s0", AnalysePies.of(encoder, features).on(data, subset));
 * // A SimCLR encoder pruned at SDCLR's ratio, 50 neighbours; order of the calls does not matter:
 * wf.step("pies-simclr-s0", AnalysePies.of(simclr, simclrFeatures).on(data, subset).k(50).prune(0.9));
 * }</pre>
 *
 * <p>The pruned network is the encoder with the global magnitude mask over all conv weights at ratio
 * {@code pretrain.prune} (the rule pretraining uses, applied to the trained weights), BN in eval mode. Its BN set is
 * {@code pie.bn}: {@code auto} (default) takes an SDCLR encoder's own pruned-branch set, trained with the mask of
 * that very ratio (so the ratio must be the training one), and a SimCLR encoder's only set; {@code dense} takes set
 * 0 with masked weights for either. Only the pruned features are computed, for D_i of the encoder's split, the
 * validation set and the test images; the dense ones are the encoder's {@code features}. Each network's features
 * are classified by (a) a linear classifier trained on the validation set (balanced, disjoint from D_i; the linear
 * probe's recipe, last epoch) and (b) kNN with {@code pie.k} neighbours over the validation set, the same recipe for
 * both networks, so disagreement reflects the network, not the classifier. The record holds per-class PIE rates of
 * both classifiers on D_i and on the test set, the accuracies of both networks, and example images of D_i (PIEs and
 * non-PIEs of the linear classifiers). An encoder of the balanced control (pretrained on D_b) is analysed on D_i
 * too: the long-tailed images are the point.
 */
public final class AnalysePies extends Step<PieAnalysis> {
    private static final long serialVersionUID = 1L;

    public static final Param<Integer> K = Param.integer("pie.k", 20,
            "kNN neighbours of the PIE analysis (bank: the validation set's features)").atLeast(1);
    public static final Param<String> BN = Param.string("pie.bn", "auto",
                    "BatchNorm set of the pruned network in the PIE analysis: auto (SDCLR: its pruned-branch set,"
                            + " SimCLR: its only set), pruned (SDCLR only) or dense (set 0 with masked weights)")
            .requiring(v -> v.equals("auto") || v.equals("pruned") || v.equals("dense"), "be auto, pruned or dense");

    private final Artifact<Encoder> encoder;
    private final Artifact<Feature> features;
    private final Artifact<Image> images;
    private final Artifact<LongTailSplit> subset;

    private AnalysePies(Artifact<Encoder> encoder, Artifact<Feature> features, Artifact<Image> images,
            Artifact<LongTailSplit> subset) {
        super(PieAnalysis.class, Pretrain.PRUNE, K, BN, Param.SEED);
        this.encoder = encoder;
        this.features = features;
        this.images = images;
        this.subset = subset;
    }

    /** Starts a PIE analysis of {@code encoder}, whose dense features are {@code features}. */
    public static Builder of(Artifact<Encoder> encoder, Artifact<Feature> features) {
        return new Builder(encoder, features);
    }

    /** Second half of {@code AnalysePies.of(encoder, features).on(data, subset)}. */
    public static final class Builder {
        private final Artifact<Encoder> encoder;
        private final Artifact<Feature> features;

        private Builder(Artifact<Encoder> encoder, Artifact<Feature> features) {
            this.encoder = encoder;
            this.features = features;
        }

        /** The images the features were extracted from, and the subset whose split the encoder was trained on. */
        public AnalysePies on(Artifact<Image> data, Artifact<LongTailSplit> subset) {
            return new AnalysePies(encoder, features, data, subset);
        }
    }

    /** kNN neighbours ({@code pie.k}). */
    public AnalysePies k(int k) {
        return withParam(K, k);
    }

    /** BN set of the pruned network ({@code pie.bn}): auto, pruned or dense. */
    public AnalysePies bn(String bn) {
        return withParam(BN, bn);
    }

    /** Pruning ratio ({@code pretrain.prune}, shared with pretraining). */
    public AnalysePies prune(double p) {
        return withParam(Pretrain.PRUNE, p);
    }

    /** Seed of the linear classifiers ({@code seed}). */
    public AnalysePies seed(long seed) {
        return withParam(Param.SEED, seed);
    }

    @Override
    public List<Artifact<?>> inputs() {
        return List.of(encoder, features, images, subset);
    }

    /** One analysis of the encoder, with rates for at least one classifier and image set. */
    @Override
    public OutputContract<PieAnalysis> outputContract() {
        return OutputContract.<PieAnalysis>exactly(1).andEach("an analysis with PIE rates", a -> !a.getRates()
                .isEmpty());
    }

    /** Runs the encoder over D_i, the validation and the test images: alone, like feature extraction. */
    @Override
    public boolean exclusive() {
        return true;
    }

    /**
     * The classifiers' recipe: the linear probe's (SGD lr 30, momentum 0.9, batch 128, 30 epochs, x0.1 from
     * epochs 10 and 20), validated only after the last epoch, which is so the one kept: the validation set is the
     * training set here, so it cannot choose an epoch.
     */
    ProbeConfig probeConfig() {
        ProbeConfig cfg = ProbeConfig.linear(get(Param.SEED));
        return cfg.withValidateEvery(cfg.epochs());
    }

    /** What the analysing DoFn needs besides its inputs. */
    record Settings(Branch branch, String bnSet, double prune, int k, ProbeConfig probe) implements Serializable {}

    @Override
    public PCollection<PieAnalysis> expand(StepInput in) {
        Encoder e = in.record(encoder);
        LongTailSplit s = SplitRecords.find(in.records(subset), e.getSplit());
        Branch branch = branch(e, get(BN), get(Pretrain.PRUNE));
        int k = get(K);
        if (k > s.getValIds().size()) {
            throw new InvalidInputException("%s=%d is more than the %d images of the validation set of split %d,"
                    + " the kNN bank of the PIE analysis; expected at most %d", K, k, s.getValIds().size(),
                    s.getSplit(), s.getValIds().size());
        }
        Settings settings = new Settings(branch, branch == Branch.PRUNED ? "pruned" : "dense", get(Pretrain.PRUNE),
                k, probeConfig());
        Set<Long> trainIds = new HashSet<>(s.getLongTailIds());
        trainIds.addAll(s.getValIds());
        PCollection<Image> needed = in.get(images).apply("images to analyse",
                Filter.by((Image im) -> im.getSource() == Source.TEST || trainIds.contains(im.getId())));
        PCollection<Feature> dense = in.get(features).apply("features to analyse",
                Filter.by((Feature f) -> f.getSource() == Source.TEST || trainIds.contains(f.getId())));
        return FeaturesWithImages.gather(dense, needed)
                .apply("analyse", ParDo.of(new PieAnalyser(settings, s, e, in.files(encoder), in.context())));
    }

    /**
     * The branch the pruned network runs for {@code pie.bn} = {@code bn} at ratio {@code p}, or the reason there is
     * none: a SimCLR encoder has no pruned BN set, and an SDCLR encoder's pruned BN set belongs to its training
     * ratio.
     */
    static Branch branch(Encoder e, String bn, double p) {
        boolean sdclr = e.getMethod() == Method.SDCLR;
        if (bn.equals("dense") || (bn.equals("auto") && !sdclr)) {
            return Branch.PRUNED_DENSE_BN;
        }
        if (!sdclr) {
            throw new InvalidInputException("%s=%s but the encoder of %s is a %s encoder: it was trained without a"
                    + " pruned branch, so it has no pruned BN set; use %s=auto or %s=dense (BN set 0 with the masked"
                    + " weights)", BN, bn, describe(e), EncoderSpec.methodName(e.getMethod()), BN, BN);
        }
        String recorded = e.getHyperParameters().get("prune");
        if (recorded == null) {
            throw new InvalidInputException("the encoder record of %s has no hyperParameters entry \"prune\", so"
                    + " whether its pruned BN set belongs to %s=%s cannot be checked; use %s=dense", describe(e),
                    Pretrain.PRUNE, Pretrain.PRUNE.text(p), BN);
        }
        double trained;
        try {
            trained = Double.parseDouble(recorded);
        } catch (NumberFormatException x) {
            throw new InvalidInputException("the encoder record of %s has hyperParameters prune=\"%s\", expected a"
                    + " number", describe(e), recorded);
        }
        if (Double.compare(trained, p) != 0) {
            throw new InvalidInputException("%s=%s but the encoder of %s was trained at prune %s: its pruned BN set"
                    + " (%s=%s) holds the statistics of the network pruned at the training ratio, not at %s; set %s=%s,"
                    + " or %s=dense to prune at %s with the dense BN set", Pretrain.PRUNE, Pretrain.PRUNE.text(p),
                    describe(e), Pretrain.PRUNE.text(trained), BN, bn, Pretrain.PRUNE.text(p), Pretrain.PRUNE,
                    Pretrain.PRUNE.text(trained), BN, Pretrain.PRUNE.text(p));
        }
        return Branch.PRUNED;
    }

    /** "sdclr split 0 (D_i)": whose encoder, in messages. */
    static String describe(Encoder e) {
        return String.format(Locale.ROOT, "%s split %d (%s)", EncoderSpec.methodName(e.getMethod()), e.getSplit(),
                e.getTrainSet() == TrainSet.BALANCED ? "D_b" : "D_i");
    }
}
