package io.github.vqlc.experiments.features;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.core.io.Provenance;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.models.features.Extractors;
import java.nio.file.Path;

/**
 * {@code encoder}: the encoder and quant conv of a trained vqlc run, i.e. the latent vectors its
 * quantizer sees, (B, D, S/f, S/f), as patch features (no global features). Lets a codebook be
 * built by clustering a trained tokenizer's own latents.
 */
final class EncoderExtractor implements FeatureExtractor {

    private final Path runDir;
    private final TrainedRun run;
    private final ParameterStore ps;
    private final String fingerprint;

    /** Takes ownership of {@code run}, which holds the loaded model. */
    EncoderExtractor(Path runDir, TrainedRun run) {
        this.runDir = runDir;
        this.run = run;
        this.ps = new ParameterStore(run.manager(), false);
        this.fingerprint = ContentHash.of(type(), run.weightsDigest());
    }

    @Override
    public String type() {
        return EncoderExtractorFactory.TYPE;
    }

    @Override
    public String describe() {
        return "encoder of run " + Provenance.name(runDir) + " (checkpoint step "
                + run.checkpoint().step()
                + (run.usesEmaWeights() ? ", EMA weights" : "") + ", sha256 "
                + run.weightsDigest().substring(0, ContentHash.SHORT) + ", quantizer "
                + run.config().quantizer().type() + ", D = " + patchDim() + ")";
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
        return false;
    }

    @Override
    public int patchDim() {
        return run.config().model().embedDim();
    }

    @Override
    public int globalDim() {
        return 0;
    }

    @Override
    public NDArray patchFeatures(NDArray images) {
        Extractors.checkImages(
                type() + " (" + runDir + ")",
                images,
                run.model().channels(),
                run.model().imageSize());
        return run.model().latents(ps, images, false);
    }

    @Override
    public NDArray globalFeatures(NDArray images) {
        throw Extractors.unsupported(type(), "global");
    }

    @Override
    public void close() {
        run.close();
    }
}
