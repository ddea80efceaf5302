package io.sdclr.pipeline.cli;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.sdclr.dsl.InvalidInputException;
import io.sdclr.pipeline.store.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunHistoryTest {
    @TempDir Path tmp;

    private static final String NEW = """
            {"runId":"20261201-101500-ab12","workflow":"fmnist-lt","status":"ok",
             "startedAt":"2026-12-01T10:15:00.5Z","endedAt":"2026-12-01T10:33:54Z","seconds":1134.0,
             "runner":"direct","machine":{"cores":"2"},"codeId":"0123456789ab","set":{"pretrain.prune":"0.7"},
             "params":{"pretrain.prune":"0.7","pretrain.epochs":"5"},"ran":57,"cached":0,
             "steps":[{"name":"data","hit":false,"reason":"never run","digest":"23b7a98bbb8d4b15","seconds":3.9}],
             "published":["/o/results.json"],
             "results":{"methods":{"sdclr":{"linear":{"all":{"mean":81.05,"sd":0.68}}}}}}
            """;
    private static final String OLD = """
            {"runId":"20261130-090000-cd34","workflow":"smoke","runner":"direct",
             "steps":[{"name":"data","hit":true,"digest":"23b7a98bbb8d"},{"name":"subset","hit":false,
             "reason":"never run","digest":"cec8e49bcd4c","seconds":1.5}]}
            """;

    private ArtifactStore store() throws Exception {
        ArtifactStore s = new ArtifactStore(tmp);
        Files.writeString(tmp.resolve("runs/20261201-101500-ab12.json"), NEW);
        Files.writeString(tmp.resolve("runs/20261130-090000-cd34.json"), OLD);
        Files.writeString(tmp.resolve("runs/20261130-080000-dead.json"), "{ cut off");
        return s;
    }

    @Test
    void recordsComeNewestFirstAndUnreadableOnesAreSkipped() throws Exception {
        List<JsonNode> runs = store().runRecords();
        assertThat(runs.stream().map(r -> r.get("runId").asText()).toList())
                .containsExactly("20261201-101500-ab12", "20261130-090000-cd34").inOrder();
    }

    @Test
    void filtersByWorkflowAndParameterValueNumbersAsNumbers() throws Exception {
        JsonNode r = store().runRecords().get(0);
        assertThat(RunHistory.matches(r, "fmnist-lt", Map.of("pretrain.prune", "0.70"))).isTrue();
        assertThat(RunHistory.matches(r, null, Map.of("pretrain.prune", "0.9"))).isFalse();
        assertThat(RunHistory.matches(r, "smoke", Map.of())).isFalse();
        assertThat(RunHistory.matches(r, null, Map.of("no.such", "1"))).isFalse();
    }

    @Test
    void linesForNewAndOldRecords() throws Exception {
        List<JsonNode> runs = store().runRecords();
        assertThat(RunHistory.line(runs.get(0))).matches(
                "20261201-101500-ab12 +fmnist-lt +2026-12-01 10:15:00 +18 min 54 s +57/0 direct +pretrain\\.prune=0\\.7");
        // A record from before runs kept their parameters: counted from its steps, parameters "not recorded".
        assertThat(RunHistory.line(runs.get(1))).matches(
                "20261130-090000-cd34 +smoke +- +- +1/1 direct +\\(not recorded\\)");
    }

    @Test
    void showDescribesParametersStepsAndResults() throws Exception {
        String text = RunHistory.describe(store().runRecords().get(0));
        assertThat(text).startsWith("run 20261201-101500-ab12 · workflow fmnist-lt · ok\n");
        assertThat(text).contains("(18 min 54 s), runner direct, code 0123456789ab\n");
        assertThat(text).contains("set: pretrain.prune=0.7\n");
        assertThat(text).contains("    pretrain.epochs = 5\n    pretrain.prune  = 0.7\n");
        assertThat(text).contains("    data ran       3.9 s  artifact 23b7a98bbb8d  (never run)\n");
        assertThat(text).contains("    sdclr            linear 81.05 ± 0.68\n");
        assertThat(RunHistory.describe(store().runRecords().get(1)))
                .contains("(recorded before runs kept their parameters, times and results)");
    }

    @Test
    void showNeedsAUniquePrefixAndAStore() throws Exception {
        store();
        RunHistory.Show show = new RunHistory.Show();
        show.store.dir = tmp;
        show.run = "2026";
        InvalidInputException e = assertThrows(InvalidInputException.class, show::call);
        assertThat(e).hasMessageThat().contains("run 2026: 2 runs start with it");
        show.run = "20261201";
        assertThat(show.call()).isEqualTo(0);
        show.store.dir = tmp.resolve("runs");
        e = assertThrows(InvalidInputException.class, show::call);
        assertThat(e).hasMessageThat().contains("no artifact store there");
    }
}
