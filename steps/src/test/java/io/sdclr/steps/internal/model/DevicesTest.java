package io.sdclr.steps.internal.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.sdclr.dsl.InvalidInputException;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @Test
    void cpuIsCpuAndUnknownNamesAreBadInput() {
        assertThat(Devices.resolve("cpu")).isEqualTo(Device.cpu());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Devices.resolve("tpu"));
        assertThat(e).hasMessageThat().contains("\"tpu\"");
    }

    @Test
    void gpuWithoutOneIsAnErrorAndAutoFallsBackToCpu() {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Devices.resolve("gpu"));
        // The CLI's message, for a step run by other means (TorchRuntime).
        assertThat(e).hasMessageThat().isEqualTo(TorchRuntime.probe().gpuMissing());
        assertThat(Devices.resolve("auto")).isEqualTo(Device.cpu());
    }
}
