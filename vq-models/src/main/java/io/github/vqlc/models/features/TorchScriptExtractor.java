package io.github.vqlc.models.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.core.io.Provenance;
import io.github.vqlc.core.spi.FeatureExtractor;

/**
 * {@code torchscript}: a user-exported image encoder (CLIP ViT-L/14, InceptionV3, ...) run through
 * DJL's PyTorch engine, offline.
 *
 * <p>Preprocessing of images (B, C, S, S) in [-1, 1]: bilinear resize to {@code input-size}
 * (align_corners = false, as {@code torch.nn.functional.interpolate}), grey repeated to 3 channels
 * when the network wants 3, then {@code ((x + 1) / 2 - mean) / std} per channel. The network's
 * output number {@code output-index} is read by layout: {@code tokens} (B, T, D), optionally
 * dropping a leading class token, the rest a square g x g grid -> patch features (B, D, g, g);
 * {@code nchw} (B, D, h, w) -> patch features; {@code vector} (B, D) or (B, D, 1, 1) -> global
 * features. Every output's shape is checked against the configured layout, {@code dim} and
 * {@code grid}; a mismatch is a one-line user error naming expected and actual shapes.
 */
final class TorchScriptExtractor implements FeatureExtractor {

    private final TorchScriptSettings settings;
    private final int imageChannels;
    private final int imageSize;
    private final ZooModel<NDList, NDList> model;
    private final Block block;
    private final ParameterStore ps;
    private final NDArray mean;
    private final NDArray std;
    private final String fingerprint;
    private final String describe;

    /** Takes ownership of {@code model}. */
    TorchScriptExtractor(
            TorchScriptSettings settings,
            int imageChannels,
            int imageSize,
            ZooModel<NDList, NDList> model,
            String fileSha256) {
        this.settings = settings;
        this.imageChannels = imageChannels;
        this.imageSize = imageSize;
        this.model = model;
        this.block = model.getBlock();
        NDManager manager = model.getNDManager();
        this.ps = new ParameterStore(manager, false);
        Shape perChannel = new Shape(1, settings.channels(), 1, 1);
        this.mean = manager.create(settings.mean(), perChannel);
        this.std = manager.create(settings.std(), perChannel);
        this.fingerprint = ContentHash.of(type(), fileSha256, settings.summary());
        this.describe = "torchscript " + Provenance.name(settings.file()) + " (sha256 "
                + fileSha256.substring(0, ContentHash.SHORT) + ", " + settings.summary() + ")";
    }

    @Override
    public String type() {
        return TorchScriptExtractorFactory.TYPE;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean hasPatchFeatures() {
        return !settings.layout().equals(TorchScriptSettings.VECTOR);
    }

    @Override
    public boolean hasGlobalFeatures() {
        return settings.layout().equals(TorchScriptSettings.VECTOR);
    }

    @Override
    public int patchDim() {
        return settings.dim();
    }

    @Override
    public int globalDim() {
        return settings.dim();
    }

    @Override
    public NDArray patchFeatures(NDArray images) {
        if (!hasPatchFeatures()) {
            throw Extractors.unsupported(type() + " (layout vector)", "patch");
        }
        NDArray out = run(images);
        Shape s = out.getShape();
        long b = s.get(0);
        if (settings.layout().equals(TorchScriptSettings.NCHW)) {
            if (s.dimension() != 4 || s.get(1) != settings.dim() || s.get(2) != s.get(3) || !gridOk(s.get(2))) {
                throw mismatch(s, "(B, " + settings.dim() + ", " + gridText() + ", " + gridText() + ")");
            }
            return out;
        }
        int skip = settings.classToken() ? 1 : 0;
        long tokens = s.dimension() == 3 ? s.get(1) - skip : -1;
        long g = Math.round(Math.sqrt(Math.max(0, tokens)));
        if (s.dimension() != 3 || s.get(2) != settings.dim() || tokens < 1 || g * g != tokens || !gridOk(g)) {
            throw mismatch(s, "(B, " + (skip == 1 ? "1 + " : "") + gridText() + "^2, " + settings.dim() + ")");
        }
        NDArray grid = skip == 1 ? out.get(new NDIndex(":, 1:, :")) : out;
        return grid.reshape(b, g, g, settings.dim()).transpose(0, 3, 1, 2);
    }

    @Override
    public NDArray globalFeatures(NDArray images) {
        if (!hasGlobalFeatures()) {
            throw Extractors.unsupported(type() + " (layout " + settings.layout() + ")", "global");
        }
        NDArray out = run(images);
        Shape s = out.getShape();
        boolean pooledMap = s.dimension() == 4 && s.get(2) == 1 && s.get(3) == 1; // e.g. Inception's (B, 2048, 1, 1)
        if (!(s.dimension() == 2 || pooledMap) || s.get(1) != settings.dim()) {
            throw mismatch(s, "(B, " + settings.dim() + ")");
        }
        return pooledMap ? out.reshape(s.get(0), s.get(1)) : out;
    }

    /** Preprocesses, runs the network and returns output {@code output-index}, attached to the images' manager. */
    private NDArray run(NDArray images) {
        Extractors.checkImages(type(), images, imageChannels, imageSize);
        NDArray x = images;
        int size = settings.inputSize();
        if (size > 0 && (x.getShape().get(2) != size || x.getShape().get(3) != size)) {
            x = TorchOps.interpolate(x, new long[] {size, size}, TorchOps.Interpolation.BILINEAR);
        }
        if (imageChannels == 1 && settings.channels() == 3) {
            x = x.repeat(1, 3);
        }
        x = x.add(1f).div(2f).sub(mean).div(std);
        NDList outputs = block.forward(ps, new NDList(x), false);
        if (settings.outputIndex() >= outputs.size()) {
            throw new UserException("torchscript " + settings.file() + " returns " + outputs.size()
                    + " output(s) but output-index is " + settings.outputIndex());
        }
        return outputs.get(settings.outputIndex());
    }

    private boolean gridOk(long side) {
        return settings.grid() == 0 || side == settings.grid();
    }

    private String gridText() {
        return settings.grid() == 0 ? "g" : Integer.toString(settings.grid());
    }

    private UserException mismatch(Shape actual, String expected) {
        return new UserException(
                "torchscript " + settings.file() + ": output " + settings.outputIndex() + " has shape " + actual
                        + " but layout " + settings.layout()
                        + (settings.layout().equals(TorchScriptSettings.TOKENS)
                                ? " with class-token " + settings.classToken()
                                : "")
                        + " and dim " + settings.dim() + " expect " + expected);
    }

    @Override
    public void close() {
        model.close();
    }
}
