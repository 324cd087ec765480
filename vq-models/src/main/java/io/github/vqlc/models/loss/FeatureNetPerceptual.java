package io.github.vqlc.models.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.Provenance;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.models.features.FeatureNet;
import io.github.vqlc.models.features.FeatureNetFiles;
import java.nio.file.Path;

/**
 * An LPIPS-style distance on the in-project feature network (the stand-in for LPIPS's VGG when no
 * pretrained weights can be downloaded): features of the patch map (B, 4w, S/4, S/4) and the
 * global vector (B, 8w), each unit-normalized over channels, squared differences summed over
 * channels and averaged over positions, the two layers added (LPIPS without its learned channel
 * weights). The network is frozen and runs in inference mode (BatchNorm running statistics);
 * gradients reach the reconstruction.
 */
public final class FeatureNetPerceptual implements PerceptualLoss {

    private static final float EPS = 1e-10f;

    private final FeatureNet net;
    private final NDManager manager;
    private final Path dir;

    private FeatureNetPerceptual(FeatureNet net, NDManager manager, Path dir) {
        this.net = net;
        this.manager = manager;
        this.dir = dir;
        for (Parameter p : net.getParameters().values()) {
            p.freeze(true);
        }
    }

    /** Loads the network trained by {@code vqlc features train} from {@code dir}; a one-line error says how to train it. */
    public static FeatureNetPerceptual load(Path dir, NDManager parent, int channels, int imageSize) {
        NDManager manager = parent.newSubManager();
        FeatureNetFiles.Loaded loaded;
        try {
            loaded = FeatureNetFiles.load(dir, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        FeatureNet.Architecture a = loaded.net().architecture();
        if (a.channels() != channels || a.imageSize() != imageSize) {
            manager.close();
            throw new UserException("loss.perceptual: the feature network at " + dir + " was trained on "
                    + a.imageSize() + "px images with " + a.channels() + " channel(s), the data has "
                    + imageSize + "px, "
                    + channels + "; retrain it on this data");
        }
        return new FeatureNetPerceptual(loaded.net(), manager, dir);
    }

    @Override
    public NDArray distance(ParameterStore ps, NDArray reconstruction, NDArray target) {
        NDArray fx = net.patchFeatures(ps, reconstruction, false);
        NDArray fy = net.patchFeatures(ps, target, false).stopGradient();
        NDArray gx = net.globalFromPatches(ps, fx, false);
        NDArray gy = net.globalFromPatches(ps, fy, false);
        NDArray patch = unit(fx).sub(unit(fy)).square().sum(new int[] {1}).mean();
        NDArray global = unit(gx).sub(unit(gy)).square().sum(new int[] {1}).mean();
        return patch.add(global);
    }

    /** x / ||x|| over the channel axis 1. */
    private static NDArray unit(NDArray x) {
        NDArray norm = Scalars.add(x.square().sum(new int[] {1}, true), EPS).sqrt();
        return x.div(norm);
    }

    @Override
    public String describe() {
        return "feature-net " + Provenance.name(dir);
    }

    @Override
    public void close() {
        manager.close();
    }
}
