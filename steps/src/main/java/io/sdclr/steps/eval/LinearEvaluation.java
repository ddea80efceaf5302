package io.sdclr.steps.eval;

import io.sdclr.dsl.Artifact;
import io.sdclr.dsl.OutputContract;
import io.sdclr.dsl.StepInput;
import io.sdclr.steps.avro.Encoder;
import io.sdclr.steps.avro.Feature;
import io.sdclr.steps.avro.Image;
import io.sdclr.steps.avro.LongTailSplit;
import io.sdclr.steps.avro.ProbeResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.PCollection;

/**
 * What {@link ProbeLinear} and {@link ProbeFewShot} share, held by each (composition, not a base class): a linear
 * classifier trained on one training set of the features' split, selected on validation, tested on test; on the
 * cached features, or, augmented, on the training images re-augmented every epoch through the frozen encoder.
 *
 * @param encoder with {@code images}: where augmented training rows come from (null until given)
 */
record LinearEvaluation(String name, TrainingSet trainingSet, Artifact<Feature> features,
        Artifact<LongTailSplit> subset, Artifact<Encoder> encoder, Artifact<Image> images) implements Serializable {

    LinearEvaluation augmentFrom(Artifact<Encoder> e, Artifact<Image> im) {
        return new LinearEvaluation(name, trainingSet, features, subset, e, im);
    }

    /** The output contract of both probes: one result of this evaluation, an accuracy for every class. */
    OutputContract<ProbeResult> contract() {
        return OutputContract.<ProbeResult>exactly(1).andEach("a result of evaluation " + name + " with one accuracy "
                + "per class", r -> r.getEvaluation().equals(name)
                        && r.getPerClassAccuracy().size() == r.getClassCounts().size()
                        && !r.getClassCounts().isEmpty());
    }

    /** Features and split; augmented, also the encoder and the images. */
    List<Artifact<?>> inputs(boolean augment) {
        List<Artifact<?>> in = new ArrayList<>(List.of(features, subset));
        if (augment && encoder != null) {
            in.add(encoder);
            in.add(images);
        }
        return List.copyOf(in);
    }

    /** Augmentation switched on without the encoder and images to augment through. */
    List<String> problems(boolean augment, String augmentKey, String stepClass) {
        return augment && encoder == null
                ? List.of(augmentKey + "=true needs the encoder and the images: call ." + "augmentFrom(encoder, "
                        + "images) on the " + stepClass)
                : List.of();
    }

    /** The probe's result; {@code transform} ({@code probe.transform}) names the training transform if augmented. */
    PCollection<ProbeResult> expand(StepInput in, ProbeConfig cfg, boolean augment, String transform) {
        if (augment) {
            return EvaluateAugmented.expand(new EvaluateAugmented.Probe(name, trainingSet, cfg, transform),
                    in.get(features), in.get(images), in.records(subset), in.record(encoder), in.files(encoder),
                    in.context());
        }
        TrainingSet train = trainingSet;
        String evaluation = name;
        return in.get(features).apply(new EvaluateFeatures(in.records(subset), sets -> {
            LabeledFeatures x = train.of(sets);
            ProbeOutcome o = LinearProbe.train(x, sets.val(), sets.test(), sets.numClasses(), cfg);
            return Map.of(evaluation, new EvaluateFeatures.Outcome(o.perClassTestAccuracy(), o.selectedEpoch(),
                    o.validationAccuracy(), Map.of("trainImages", Integer.toString(x.y().length))));
        }));
    }

    /** Decays at the given fractions of the run, a decay falling on the first epoch dropped (0-based indices). */
    static List<Integer> decays(int... indices) {
        return java.util.Arrays.stream(indices).filter(e -> e > 0).distinct().boxed().toList();
    }
}
