package io.github.vqlc.experiments.wiring;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.github.vqlc.core.UserException;

/** Maps {@code run.device} (auto | cpu | gpu) to a DJL device. */
public final class Devices {

    private Devices() {}

    public static Device resolve(String setting) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (setting) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new UserException("run.device = gpu but no GPU is visible to PyTorch "
                            + "(build with -Pcu121 or set PYTORCH_LIBRARY_PATH to a CUDA libtorch)");
                }
                yield Device.gpu();
            }
            default -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }
}
