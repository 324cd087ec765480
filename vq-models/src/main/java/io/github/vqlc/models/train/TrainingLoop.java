package io.github.vqlc.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.LoaderState;
import io.github.vqlc.core.data.Resumable;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.core.system.ProcessStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The loop every trainer runs (the VQGAN, the token GPT, the feature network), so each of them
 * writes only its step.
 *
 * <p>Per step: the learning rate of the schedule; the {@link Step} inside its own {@link NDScope}
 * and sub-manager, so memory stays flat over any number of steps; on log and checkpoint steps the
 * loss terms reach the host (the loop reads them nowhere else) and, when the trainer asks for it, a
 * non-finite one stops the run before a checkpoint could store it; a {@code log.jsonl} line on log steps; the observer; the {@link AfterStep} hooks
 * (samples, held-out evaluation); a checkpoint every {@code checkpointEvery} steps and at the end,
 * holding the parts (networks and optimizers), further arrays, the data position and the training
 * time, so that {@code resume} continues exactly where an uninterrupted run would be.
 */
public final class TrainingLoop {

    /** One optimizer step. */
    @FunctionalInterface
    public interface Step {
        /**
         * Runs step {@code step} with learning rate {@code lr}; arrays go to {@code sub} (closed
         * after the step). Returns the named loss terms, still on the device.
         */
        Map<String, NDArray> run(NDManager sub, int step, double lr);
    }

    /** Work after a step: sample grids, a held-out evaluation. */
    @FunctionalInterface
    public interface AfterStep {
        void after(int step, Log log);
    }

    /** What an {@link AfterStep} may record: a log.jsonl line, a note to the observer. */
    public interface Log {
        void line(Map<String, Object> values);

        void note(String message);
    }

    /** Called after a checkpoint was loaded on resume (e.g. to reattach gradients, restore EMA weights). */
    @FunctionalInterface
    public interface OnResume {
        void resumed(Checkpoints.Checkpoint checkpoint, JsonObject state);
    }

    private final NDManager manager;
    private final int steps;
    private final int logEvery;
    private final int checkpointEvery;
    private final LearningRateSchedule schedule;
    private final long imagesPerStep;
    private final Step step;
    private final Path logFile;
    private final Checkpoints checkpoints;
    private final List<Checkpoints.Part> parts;
    private final Supplier<Map<String, NDList>> arrays;
    private final OnResume onResume;
    private final Resumable data;
    private final List<AfterStep> afterSteps;
    private final DoubleFunction<Map<String, Object>> logExtras;
    private final IntFunction<Map<String, Double>> hostExtras;
    private final String nonFinite;
    private final TrainingObserver observer;

    private TrainingLoop(Builder b) {
        this.manager = b.manager;
        this.steps = b.steps;
        this.logEvery = b.logEvery;
        this.checkpointEvery = b.checkpointEvery;
        this.schedule = b.schedule;
        this.imagesPerStep = b.imagesPerStep;
        this.step = b.step;
        this.logFile = b.logFile;
        this.checkpoints = b.checkpoints;
        this.parts = List.copyOf(b.parts);
        this.arrays = b.arrays;
        this.onResume = b.onResume;
        this.data = b.data;
        this.afterSteps = List.copyOf(b.afterSteps);
        this.logExtras = b.logExtras;
        this.hostExtras = b.hostExtras;
        this.nonFinite = b.nonFinite;
        this.observer = b.observer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Trains to the last step, continuing the newest checkpoint when {@code resume} (and there is one). */
    public TrainingSummary run(boolean resume) {
        int startStep = 0;
        double previousSeconds = 0;
        if (resume && checkpoints != null) {
            var newest = checkpoints.newest();
            if (newest.isPresent()) {
                JsonObject state = checkpoints.load(newest.get(), parts, manager);
                onResume.resumed(newest.get(), state);
                startStep = newest.get().step();
                previousSeconds = state.get("train_seconds").getAsDouble();
                if (data != null) {
                    data.restore(new LoaderState(
                            state.get("data_epoch").getAsLong(),
                            state.get("data_cursor").getAsInt()));
                }
                observer.note("resumed from " + newest.get().dir() + " at step " + startStep);
            }
        }
        Map<String, Double> lastLosses = new LinkedHashMap<>();
        observer.started(startStep + 1, steps);
        long sessionStart = System.nanoTime();
        long imagesSeen = 0;
        try (JsonLines log = logFile == null ? null : new JsonLines(logFile)) {
            Log hooks = new Log() {
                @Override
                public void line(Map<String, Object> values) {
                    if (log != null) {
                        log.append(values);
                    }
                }

                @Override
                public void note(String message) {
                    observer.note(message);
                }
            };
            for (int s = startStep + 1; s <= steps; s++) {
                boolean logStep = s % logEvery == 0 || s == steps;
                boolean checkpointStep = checkpoints != null && (s % checkpointEvery == 0 || s == steps);
                double lr = schedule.at(s);
                Map<String, Double> losses = null;
                try (NDScope scope = new NDScope();
                        NDManager sub = manager.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    Map<String, NDArray> terms = step.run(sub, s, lr);
                    imagesSeen += imagesPerStep;
                    if (logStep || checkpointStep) {
                        losses = toHost(terms);
                        checkFinite(s, losses);
                    }
                }
                double seconds = (System.nanoTime() - sessionStart) / 1e9;
                double ips = imagesSeen / Math.max(seconds, 1e-9);
                if (losses != null) {
                    lastLosses = new LinkedHashMap<>(losses); // the summary's losses, without the extras
                    losses.putAll(hostExtras.apply(s));
                }
                if (logStep) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("step", s);
                    line.putAll(losses);
                    line.put("lr", lr);
                    line.put("images_per_second", ips);
                    line.putAll(logExtras.apply(ips));
                    line.put("elapsed_seconds", previousSeconds + seconds);
                    if (ProcessStatus.available()) { // flat over a run, or something leaks
                        line.put("resident_mib", ProcessStatus.residentMiB());
                    }
                    hooks.line(line);
                }
                observer.stepped(s, ips, logStep ? losses : Map.of());
                for (AfterStep hook : afterSteps) {
                    hook.after(s, hooks);
                }
                if (checkpointStep) {
                    JsonObject state = new JsonObject();
                    state.addProperty("train_seconds", previousSeconds + seconds);
                    if (data != null) {
                        state.addProperty("data_epoch", data.state().epoch());
                        state.addProperty("data_cursor", data.state().cursor());
                    }
                    checkpoints.save(s, parts, arrays.get(), state);
                }
            }
        }
        double seconds = (System.nanoTime() - sessionStart) / 1e9;
        observer.finished();
        return new TrainingSummary(steps, previousSeconds + seconds, imagesSeen / Math.max(seconds, 1e-9), lastLosses);
    }

    private static Map<String, Double> toHost(Map<String, NDArray> terms) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : terms.entrySet()) {
            values.put(e.getKey(), (double) e.getValue().getFloat());
        }
        return values;
    }

    private void checkFinite(int s, Map<String, Double> losses) {
        if (nonFinite == null) {
            return;
        }
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                String newest = checkpoints == null
                        ? "none"
                        : checkpoints.newest().map(c -> c.dir().toString()).orElse("none");
                String what = losses.size() == 1 ? "" : " '" + e.getKey() + "'";
                throw new UserException(
                        String.format(nonFinite, what + " became " + e.getValue() + " at step " + s, newest));
            }
        }
    }

    /** Builds a {@link TrainingLoop}; {@code setX} values are required, {@code optX} optional. */
    public static final class Builder {
        private NDManager manager;
        private int steps;
        private int logEvery = 1;
        private int checkpointEvery = 1;
        private LearningRateSchedule schedule;
        private long imagesPerStep;
        private Step step;
        private Path logFile;
        private Checkpoints checkpoints;
        private final List<Checkpoints.Part> parts = new ArrayList<>();
        private Supplier<Map<String, NDList>> arrays = Map::of;
        private OnResume onResume = (c, s) -> {};
        private Resumable data;
        private final List<AfterStep> afterSteps = new ArrayList<>();
        private DoubleFunction<Map<String, Object>> logExtras = ips -> Map.of();
        private IntFunction<Map<String, Double>> hostExtras = s -> Map.of();
        private String nonFinite;
        private TrainingObserver observer = TrainingObserver.NONE;

        private Builder() {}

        /** The manager of the networks' parameters; each step runs in a sub-manager of it. */
        public Builder setManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        /** The last step (1-based); the schedule runs over the same steps. */
        public Builder setSteps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder setSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        public Builder setStep(Step step) {
            this.step = step;
            return this;
        }

        /** Images one step consumes (for images/s). */
        public Builder setImagesPerStep(long imagesPerStep) {
            this.imagesPerStep = imagesPerStep;
            return this;
        }

        /** Steps between log lines, observer losses and finite-loss checks (the last step always logs). */
        public Builder optLogEvery(int logEvery) {
            this.logEvery = logEvery;
            return this;
        }

        /** Where log lines go ({@code log.jsonl}, appended to); none by default. */
        public Builder optLog(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /**
         * Checkpoints every {@code every} steps and at the end into {@code checkpoints}, holding
         * {@code parts}; none by default (then no resume either).
         */
        public Builder optCheckpoints(Checkpoints checkpoints, int every, List<Checkpoints.Part> parts) {
            this.checkpoints = checkpoints;
            this.checkpointEvery = every;
            this.parts.clear();
            this.parts.addAll(parts);
            return this;
        }

        /** Further named arrays each checkpoint holds (e.g. EMA weights), read at save time. */
        public Builder optCheckpointArrays(Supplier<Map<String, NDList>> arrays) {
            this.arrays = arrays;
            return this;
        }

        /** Called after a resume loaded the newest checkpoint's parts. */
        public Builder optOnResume(OnResume onResume) {
            this.onResume = onResume;
            return this;
        }

        /** The data stream whose position checkpoints hold and resume restores. */
        public Builder optData(Resumable data) {
            this.data = data;
            return this;
        }

        /** Work after every step, in the order added. */
        public Builder addAfterStep(AfterStep hook) {
            this.afterSteps.add(hook);
            return this;
        }

        /** Fields added to every log line after {@code images_per_second}, given the images/s. */
        public Builder optLogExtras(DoubleFunction<Map<String, Object>> logExtras) {
            this.logExtras = logExtras;
            return this;
        }

        /**
         * Host values reported with the losses on log and checkpoint steps, given the step (a count
         * of skipped steps, the window utilization).
         */
        public Builder optHostExtras(IntFunction<Map<String, Double>> hostExtras) {
            this.hostExtras = hostExtras;
            return this;
        }

        /**
         * Stops the run with a user error when a logged loss is not finite; {@code message} is a
         * format with two {@code %s}: what happened (" 'rec_l1' became NaN at step 4") and the
         * newest checkpoint's directory (or "none"). Off by default (the step handles it).
         */
        public Builder optStopOnNonFinite(String message) {
            this.nonFinite = message;
            return this;
        }

        public Builder optObserver(TrainingObserver observer) {
            this.observer = observer;
            return this;
        }

        /** Validates and builds. */
        public TrainingLoop build() {
            Objects.requireNonNull(manager, "manager");
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(step, "step");
            if (steps < 1 || logEvery < 1 || checkpointEvery < 1 || imagesPerStep < 0) {
                throw new IllegalArgumentException("steps, logEvery and checkpointEvery must be >= 1, images per step"
                        + " >= 0; got " + steps + ", " + logEvery + ", " + checkpointEvery + ", " + imagesPerStep);
            }
            return new TrainingLoop(this);
        }
    }
}
