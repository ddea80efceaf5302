package io.sdclr.steps.eval;

import io.sdclr.steps.avro.LongTailSplit;
import java.util.List;

/** Which images of a split a linear classifier is trained on. */
enum TrainingSet {
    /** The full balanced pool (linear probe, kNN bank). */
    POOL("pool"),
    /** S_b (few-shot probe). */
    FEW_SHOT("few-shot set");

    private final String description;

    TrainingSet(String description) {
        this.description = description;
    }

    LabeledFeatures of(FeatureSets sets) {
        return this == POOL ? sets.pool() : sets.fewShot();
    }

    /** The ids of these images in a split, sorted. */
    List<Long> ids(LongTailSplit split) {
        return this == POOL ? split.getPoolIds() : split.getFewShotIds();
    }

    String description() {
        return description;
    }
}
