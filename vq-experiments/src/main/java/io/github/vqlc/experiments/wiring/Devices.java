package io.github.vqlc.experiments.wiring;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.github.vqlc.core.UserException;
import io.github.vqlc.models.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;

/** Maps {@code run.device} (auto | cpu | gpu) and {@code train.devices} to DJL devices. */
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

    /**
     * The devices of {@code train.devices}: empty means {@code runDevice} alone, {@code [auto]} every
     * visible GPU (or the CPU when there is none); otherwise each name ({@code cpu}, {@code gpu},
     * {@code gpuN}) must be a visible device (a name may repeat: replicas sharing a device).
     */
    public static List<Device> replicas(List<String> names, String runDevice) {
        if (names.isEmpty()) {
            return List.of(resolve(runDevice));
        }
        int gpus = Engine.getInstance().getGpuCount();
        if (names.equals(List.of(TrainConfig.AUTO))) {
            List<Device> all = new ArrayList<>();
            for (int g = 0; g < gpus; g++) {
                all.add(Device.gpu(g));
            }
            return all.isEmpty() ? List.of(Device.cpu()) : all;
        }
        List<String> visible = new ArrayList<>(List.of("cpu"));
        for (int g = 0; g < gpus; g++) {
            visible.add("gpu" + g);
        }
        List<Device> devices = new ArrayList<>();
        for (String name : names) {
            String n = name.equals("gpu") ? "gpu0" : name;
            if (!visible.contains(n)) {
                throw new UserException("train.devices names " + name + ", which is not a device here; visible: "
                        + String.join(", ", visible));
            }
            devices.add(n.equals("cpu") ? Device.cpu() : Device.gpu(Integer.parseInt(n.substring(3))));
        }
        if (devices.stream().map(Device::getDeviceType).distinct().count() > 1) {
            // buffers (EMA statistics, BatchNorm running statistics) stay equal by being recomputed
            // alike on every replica; the CPU and CUDA kernels and random streams differ
            throw new UserException(
                    "train.devices = " + names + " mixes cpu and gpu; replicas must share one device type");
        }
        return devices;
    }
}
