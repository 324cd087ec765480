package io.github.vqlc.experiments.sweep.execution;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.JsonLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a cell still has work to do. A cell is finished when its {@code done} marker exists
 * (written atomically after training and evaluation succeed) or its metrics.json records
 * {@code steps} equal to the configured {@code train.steps}; otherwise it runs with
 * {@code --resume} semantics (continuing the newest checkpoint, or starting fresh without one).
 */
public final class CellState {

    /** Name of the marker file in a finished cell's directory. */
    public static final String DONE = "done";

    private CellState() {}

    public static boolean finished(Path cellDir, int steps) {
        return Files.isRegularFile(cellDir.resolve(DONE))
                || metricsSteps(cellDir).orElse(-1) == steps;
    }

    /** The {@code steps} recorded in the cell's metrics.json, if any. */
    public static Optional<Integer> metricsSteps(Path cellDir) {
        return JsonLines.readObject(cellDir.resolve("metrics.json"))
                .map(m -> m.get("steps"))
                .filter(JsonElement::isJsonPrimitive)
                .map(JsonElement::getAsInt);
    }

    /** Writes the done marker (atomically: a crash leaves either no marker or a complete one). */
    public static void markDone(Path cellDir, int steps) {
        JsonObject o = new JsonObject();
        o.addProperty("steps", steps);
        o.addProperty("finished", Instant.now().toString());
        AtomicFiles.writeString(cellDir.resolve(DONE), o + "\n");
    }
}
