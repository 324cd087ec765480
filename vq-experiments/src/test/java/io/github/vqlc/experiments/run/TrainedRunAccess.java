package io.github.vqlc.experiments.run;

import com.google.inject.Injector;
import io.github.vqlc.experiments.config.ExperimentConfig;

/** Test access to the run package's injector factory. */
public final class TrainedRunAccess {
    private TrainedRunAccess() {}

    public static Injector injector(ExperimentConfig config) {
        return TrainRun.injector(config);
    }
}
