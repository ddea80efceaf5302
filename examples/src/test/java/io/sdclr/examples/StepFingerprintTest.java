package io.sdclr.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.fail;

import io.sdclr.dsl.Step;
import io.sdclr.pipeline.cache.CodeFingerprint;
import io.sdclr.steps.train.Pretrain;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * For every shipped step (every concrete {@link Step} of the steps module, found by scanning its classes): editing
 * a class the step reaches changes its code fingerprint, editing a steps class it does not reach does not.
 */
class StepFingerprintTest {
    /** The class that computes the report's group accuracies; WriteReport must reach it. */
    private static final String GROUP_ACCURACIES = "io.sdclr.steps.internal.metrics.GroupMetrics";

    private static final ClassLoader LOADER = Pretrain.class.getClassLoader();
    private static final Function<String, byte[]> REAL = CodeFingerprint.loaderBytes(LOADER);
    private static SortedSet<String> stepsModule;
    private static List<Class<?>> shippedSteps;

    @BeforeAll
    static void scanTheStepsModule() throws IOException, URISyntaxException, ClassNotFoundException {
        stepsModule = ShippedSteps.stepsModuleClasses();
        shippedSteps = ShippedSteps.concreteSteps(stepsModule);
        long start = System.nanoTime();
        for (Class<?> step : shippedSteps) {
            CodeFingerprint.of(step);
        }
        long first = System.nanoTime();
        for (Class<?> step : shippedSteps) {
            CodeFingerprint.of(step, REAL); // uncached, with warm class-file reading
        }
        System.out.printf("fingerprints of %d shipped steps (%d steps classes): %d ms cold, %d ms again%n",
                shippedSteps.size(), stepsModule.size(), (first - start) / 1_000_000,
                (System.nanoTime() - first) / 1_000_000);
    }

    /** The real bytes, except that {@code edited} gets one more trailing byte. */
    private static Function<String, byte[]> editing(String edited) {
        return name -> {
            byte[] bytes = REAL.apply(name);
            return name.equals(edited) ? Arrays.copyOf(bytes, bytes.length + 1) : bytes;
        };
    }

    @TestFactory
    Stream<DynamicTest> everyShippedStepFollowsTheCodeItReaches() {
        assertWithMessage("no concrete Step found in the steps module").that(shippedSteps).isNotEmpty();
        return shippedSteps.stream().map(step -> DynamicTest.dynamicTest(step.getSimpleName(), () -> {
            SortedSet<String> reached = CodeFingerprint.reachable(step, REAL);
            assertThat(reached).contains(step.getName());
            String before = CodeFingerprint.of(step);
            String inside = reached.stream()
                    .filter(n -> !n.equals(step.getName()) && stepsModule.contains(n))
                    .findFirst()
                    .orElse(step.getName());
            assertWithMessage("editing %s, which %s reaches", inside, step.getName())
                    .that(CodeFingerprint.of(step, editing(inside))).isNotEqualTo(before);
            String outside = stepsModule.stream().filter(n -> !reached.contains(n)).findFirst().orElse(null);
            if (outside == null) {
                fail(step.getName() + " reaches every class of the steps module: the walk is too coarse");
            }
            assertWithMessage("editing %s, which %s does not reach", outside, step.getName())
                    .that(CodeFingerprint.of(step, editing(outside))).isEqualTo(before);
            System.out.printf("%s reaches %d project classes (%d of the steps module's %d)%n", step.getName(),
                    reached.size(), reached.stream().filter(stepsModule::contains).count(), stepsModule.size());
        }));
    }

    @Test
    void writeReportReachesTheGroupAccuraciesAndPretrainDoesNotReachTheReport() throws ClassNotFoundException {
        Class<?> groupAccuracies = Class.forName(GROUP_ACCURACIES, false, LOADER);
        Class<?> writeReport = Class.forName("io.sdclr.steps.report.WriteReport", false, LOADER);
        assertThat(CodeFingerprint.reachable(writeReport)).contains(groupAccuracies.getName());
        assertThat(CodeFingerprint.of(writeReport, editing(groupAccuracies.getName())))
                .isNotEqualTo(CodeFingerprint.of(writeReport));
        assertThat(CodeFingerprint.reachable(Pretrain.class)).doesNotContain(writeReport.getName());
    }

    /** Editing the group metrics re-runs the report and nothing else; per-class accuracy, the evaluations and PIEs. */
    @Test
    void onlyTheStepsThatUseAMetricReachIt() throws ClassNotFoundException {
        List<String> reachGroups = new ArrayList<>();
        List<String> reachAccuracy = new ArrayList<>();
        for (Class<?> step : shippedSteps) {
            SortedSet<String> r = CodeFingerprint.reachable(step);
            if (r.contains(GROUP_ACCURACIES)) {
                reachGroups.add(step.getSimpleName());
            }
            if (r.contains("io.sdclr.steps.internal.metrics.Accuracy")) {
                reachAccuracy.add(step.getSimpleName());
            }
        }
        assertThat(reachGroups).containsExactly("WriteReport");
        // The three evaluations and the PIE analysis, which reports both networks' accuracies.
        assertThat(reachAccuracy).containsExactly("AnalysePies", "ClassifyKnn", "ProbeFewShot", "ProbeLinear");
    }
}
