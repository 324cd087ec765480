package io.github.vqlc.models.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.core.io.Provenance;
import io.github.vqlc.core.spi.FeatureExtractor;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code feature-net}: a trained {@link FeatureNet} (see {@link FeatureNetFiles}) in inference mode.
 * Patch features are its intermediate map (B, 4w, S/4, S/4), global features its penultimate
 * vector (B, 8w). Images must have the channels and size the network was trained on.
 */
final class FeatureNetExtractor implements FeatureExtractor {

    private final Path dir;
    private final NDManager manager;
    private final FeatureNet net;
    private final ParameterStore ps;
    private final String fingerprint;
    private final String describe;

    /** Takes ownership of {@code manager}, which holds the loaded network. */
    FeatureNetExtractor(Path dir, NDManager manager, FeatureNetFiles.Loaded loaded) {
        this.dir = dir;
        this.manager = manager;
        this.net = loaded.net();
        this.ps = new ParameterStore(manager, false);
        this.fingerprint = ContentHash.of(type(), loaded.paramsSha256());
        FeatureNet.Architecture a = net.architecture();
        double accuracy = loaded.description().has("test_accuracy")
                ? loaded.description().get("test_accuracy").getAsDouble()
                : Double.NaN;
        this.describe = String.format(
                Locale.ROOT,
                "feature-net %s (sha256 %s, %dx%dx%d images, width %d%s, test accuracy %.4f)",
                Provenance.name(dir),
                loaded.paramsSha256().substring(0, ContentHash.SHORT),
                a.channels(),
                a.imageSize(),
                a.imageSize(),
                a.width(),
                a.depth() > 1 ? ", depth " + a.depth() : "",
                accuracy);
    }

    @Override
    public String type() {
        return FeatureNetExtractorFactory.TYPE;
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
        return true;
    }

    @Override
    public boolean hasGlobalFeatures() {
        return true;
    }

    @Override
    public int patchDim() {
        return net.architecture().patchDim();
    }

    @Override
    public int globalDim() {
        return net.architecture().globalDim();
    }

    @Override
    public NDArray patchFeatures(NDArray images) {
        check(images);
        return net.patchFeatures(ps, images, false);
    }

    @Override
    public NDArray globalFeatures(NDArray images) {
        check(images);
        return net.globalFromPatches(ps, net.patchFeatures(ps, images, false), false);
    }

    private void check(NDArray images) {
        FeatureNet.Architecture a = net.architecture();
        Extractors.checkImages(type() + " (" + dir + ")", images, a.channels(), a.imageSize());
    }

    @Override
    public void close() {
        manager.close();
    }
}
