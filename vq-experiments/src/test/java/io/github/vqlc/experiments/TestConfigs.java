package io.github.vqlc.experiments;

import io.github.vqlc.experiments.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tiny configurations for end-to-end tests: real Fashion-MNIST, a small model, a few dozen steps. */
public final class TestConfigs {

    private TestConfigs() {}

    public static List<String> tiny(Path runDir, String... extra) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=\"" + runDir + "\"",
                "run.device=cpu",
                "data.limit=2048",
                "model.base-channels=16",
                "model.channel-mult=[1,2,2]",
                "model.res-blocks=1",
                "model.z-channels=16",
                "model.embed-dim=16",
                "quantizer.codebook-size=64",
                "train.steps=30",
                "train.batch-size=16",
                "train.lr=1e-3",
                "train.warmup-steps=0",
                "train.log-every=5",
                "train.sample-every=0",
                "train.checkpoint-every=10",
                "eval.limit=256",
                "eval.batch-size=128",
                "eval.fid.extractor.type=none"));
        o.addAll(List.of(extra));
        return o;
    }

    public static ExperimentConfig load(List<String> overrides) {
        return ExperimentConfig.load(null, overrides);
    }
}
