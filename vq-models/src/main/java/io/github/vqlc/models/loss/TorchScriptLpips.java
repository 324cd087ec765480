package io.github.vqlc.models.loss;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * LPIPS (Zhang et al. 2018) from a TorchScript file a user exported (docs/pretrained.md): a module
 * {@code forward(x, y)} taking two image batches (N, 3, S, S) in [-1, 1] and returning one distance
 * per image, any shape with N elements. Grey images are repeated to three channels.
 *
 * <p>Loaded with {@code trainParam} so its forward records autograd history; its parameters are
 * frozen, so gradients reach the reconstruction but never change the network. Export it traced in
 * eval mode (dropout off); the module runs in train mode here only so autograd is recorded.
 */
public final class TorchScriptLpips implements PerceptualLoss {

    private final ZooModel<NDList, NDList> model;
    private final Block block;
    private final Path file;

    private TorchScriptLpips(ZooModel<NDList, NDList> model, Path file) {
        this.model = model;
        this.block = model.getBlock();
        this.file = file;
        for (Parameter p : block.getParameters().values()) {
            p.freeze(true);
        }
    }

    /** Loads {@code file}; a missing or unreadable file is a user error naming it. */
    public static TorchScriptLpips load(Path file, Device device) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("loss.perceptual.path: TorchScript LPIPS file " + file
                    + " not found (export one as docs/pretrained.md shows, or set loss.perceptual.type = none)");
        }
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file.toAbsolutePath())
                .optEngine("PyTorch")
                .optDevice(device)
                .optOption("trainParam", "true")
                .build();
        try {
            return new TorchScriptLpips(criteria.loadModel(), file);
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new UserException(
                    "loss.perceptual.path: cannot load TorchScript LPIPS " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public NDArray distance(ParameterStore ps, NDArray reconstruction, NDArray target) {
        NDArray x = rgb(reconstruction);
        NDArray y = rgb(target);
        NDArray d = block.forward(ps, new NDList(x, y), true).get(0);
        if (d.size() != reconstruction.getShape().get(0)) {
            throw new UserException("TorchScript LPIPS " + file + " returned shape " + d.getShape()
                    + "; expected one distance per image ("
                    + reconstruction.getShape().get(0) + ")");
        }
        return d.mean();
    }

    private static NDArray rgb(NDArray images) {
        return images.getShape().get(1) == 1 ? images.repeat(1, 3) : images;
    }

    /** The loaded network (tests check that it stays frozen). */
    Block block() {
        return block;
    }

    @Override
    public String describe() {
        return "lpips-torchscript " + Provenance.name(file);
    }

    @Override
    public void close() {
        model.close();
    }
}
