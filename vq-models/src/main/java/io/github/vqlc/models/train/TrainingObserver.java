package io.github.vqlc.models.train;

import java.util.Map;

/** Hooks through which a front end shows progress; all methods are optional. */
public interface TrainingObserver {

    /** Called once; {@code firstStep} > 1 on resume. */
    default void started(int firstStep, int totalSteps) {}

    /** Called after every step with whatever values are known at that step (losses only on log steps). */
    default void stepped(int step, double imagesPerSecond, Map<String, Double> latest) {}

    /** A message worth a line of its own (checkpoint written, evaluation result). */
    default void note(String message) {}

    default void finished() {}

    TrainingObserver NONE = new TrainingObserver() {};

    /** Calls {@code first}, then {@code second}, for every event. */
    static TrainingObserver both(TrainingObserver first, TrainingObserver second) {
        return new TrainingObserver() {
            @Override
            public void started(int firstStep, int totalSteps) {
                first.started(firstStep, totalSteps);
                second.started(firstStep, totalSteps);
            }

            @Override
            public void stepped(int step, double imagesPerSecond, Map<String, Double> latest) {
                first.stepped(step, imagesPerSecond, latest);
                second.stepped(step, imagesPerSecond, latest);
            }

            @Override
            public void note(String message) {
                first.note(message);
                second.note(message);
            }

            @Override
            public void finished() {
                first.finished();
                second.finished();
            }
        };
    }
}
