package io.sdclr.steps.subset;

import io.sdclr.pipeline.beam.ArtifactRecords;
import io.sdclr.steps.avro.LongTailSplit;

/** Finds one split in a committed subset artifact. */
public final class SplitRecords {
    private SplitRecords() {}

    public static LongTailSplit split(String subsetDir, int split) {
        for (LongTailSplit s : ArtifactRecords.read(subsetDir, LongTailSplit.class)) {
            if (s.getSplit() == split) {
                return s;
            }
        }
        throw new IllegalStateException("the subset artifact " + subsetDir + " has no split " + split);
    }
}
