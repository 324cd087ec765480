package io.github.vqlc.models.loss;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
 * per image, any shape with N elements. Grey images are repeated to three channels. The one LPIPS
 * of vqlc: the perceptual loss ({@link #distance}) and the evaluation metric ({@link #perImage}).
 *
 * <p>Loaded with {@code trainParam} so its forward can record autograd history; its parameters are
 * frozen, so gradients reach the reconstruction but never change the network. Export it traced in
 * eval mode (dropout off); as a loss the module runs in train mode only so autograd is recorded.
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

    /**
     * Loads {@code file}; a missing or unreadable file is a user error naming {@code key}, the
     * config key that named it, and {@code off}, how to do without LPIPS there.
     *
     * @param key e.g. {@code loss.perceptual.path} or {@code eval.lpips.path}
     * @param off e.g. "set loss.perceptual.type = none"
     */
    public static TorchScriptLpips load(Path file, Device device, String key, String off) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(key + " = \"" + file + "\": no TorchScript LPIPS file there (export one as"
                    + " docs/pretrained.md shows, or " + off + ")");
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
                    key + " = \"" + file + "\" is not a loadable TorchScript file: " + e.getMessage(), e);
        }
    }

    /**
     * One distance per image pair, without gradient (the evaluation metric).
     *
     * @param x images (N, C, H, W) in [-1, 1]
     * @param y images of the same shape
     * @return distances (N), attached to {@code x}'s manager
     */
    public NDArray perImage(NDArray x, NDArray y) {
        NDManager manager = x.getManager();
        NDArray d = forward(new ParameterStore(manager, false), x, y, false);
        d.attach(manager);
        return d.reshape(x.getShape().get(0));
    }

    @Override
    public NDArray distance(ParameterStore ps, NDArray reconstruction, NDArray target) {
        return forward(ps, reconstruction, target, true).mean();
    }

    /** The network's output for one batch pair, checked to hold one distance per image. */
    private NDArray forward(ParameterStore ps, NDArray x, NDArray y, boolean training) {
        NDArray d = block.forward(ps, new NDList(rgb(x), rgb(y)), training).get(0);
        long n = x.getShape().get(0);
        if (d.size() != n) {
            throw new UserException("TorchScript LPIPS " + file + " returned shape " + d.getShape()
                    + "; expected one distance per image (" + n + ")");
        }
        return d;
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
