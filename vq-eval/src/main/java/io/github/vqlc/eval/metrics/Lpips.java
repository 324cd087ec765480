package io.github.vqlc.eval.metrics;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * LPIPS (Zhang et al. 2018) through a TorchScript file the user exports (e.g. the {@code lpips}
 * package's network traced with its linear heads): {@code forward(x, y)} with two image batches
 * (N, C, H, W) in [-1, 1] returns one distance per image, (N) or (N, 1, 1, 1). No weights ship with
 * vqlc; without {@code eval.lpips.path} the metric is reported as null.
 */
public final class Lpips implements AutoCloseable {

    private final ZooModel<NDList, NDList> model;
    private final Path file;

    private Lpips(ZooModel<NDList, NDList> model, Path file) {
        this.model = model;
        this.file = file;
    }

    /** Loads the TorchScript file; a missing or unreadable file is a user error naming {@code key}. */
    public static Lpips load(Path file, Device device, String key) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(
                    key + " = \"" + file + "\": no such file (a TorchScript LPIPS network, or \"\" for none)");
        }
        try {
            ZooModel<NDList, NDList> model = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(file.toAbsolutePath())
                    .optEngine("PyTorch")
                    .optDevice(device)
                    .build()
                    .loadModel();
            return new Lpips(model, file);
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new UserException(
                    key + " = \"" + file + "\" is not a loadable TorchScript file: " + e.getMessage(), e);
        }
    }

    /**
     * @param x images (N, C, H, W) in [-1, 1]
     * @param y images of the same shape
     * @return distances (N), attached to {@code x}'s manager
     */
    public NDArray perImage(NDArray x, NDArray y) {
        NDManager manager = x.getManager();
        NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x, y), false);
        NDArray d = out.head();
        d.attach(manager);
        long n = x.getShape().get(0);
        if (d.getShape().size() != n) {
            throw new UserException("LPIPS network " + file + " returned shape " + d.getShape() + " for " + n
                    + " image pairs; expected one distance per pair");
        }
        return d.reshape(n);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        model.close();
    }
}
