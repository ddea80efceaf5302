package io.sdclr.steps.internal.metrics;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Group scores of one method and evaluation summarised over splits: each field is mean ± population std over the
 * per-split values. As in the paper, {@code std} is the per-split Std averaged over splits (with its own ± over
 * splits), not the Std of the averaged groups.
 *
 * <pre>{@code
 * GroupSummary s = GroupSummary.over(List.of(split0Scores, split1Scores, split2Scores));
 * s.all().mean();
 * }</pre>
 */
public record GroupSummary(MeanSd many, MeanSd medium, MeanSd few, MeanSd std, MeanSd all) {

    /** Summarises one {@link GroupScores} per split. */
    public static GroupSummary over(List<GroupScores> perSplit) {
        if (perSplit.isEmpty()) {
            throw new IllegalArgumentException("need the scores of at least one split");
        }
        return new GroupSummary(
                field(perSplit, GroupScores::many),
                field(perSplit, GroupScores::medium),
                field(perSplit, GroupScores::few),
                field(perSplit, GroupScores::std),
                field(perSplit, GroupScores::all));
    }

    private static MeanSd field(List<GroupScores> perSplit, ToDoubleFunction<GroupScores> f) {
        return MeanSd.of(perSplit.stream().mapToDouble(f).toArray());
    }
}
