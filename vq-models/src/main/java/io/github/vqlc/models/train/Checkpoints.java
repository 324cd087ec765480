package io.github.vqlc.models.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.AtomicFiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints of a run: {@code checkpoints/step-000200/} holding {@code model.params} (DJL block
 * parameters, EMA buffers included), {@code optimizer.ndlist} (Adam moments) and {@code state.json}
 * (step, data position, elapsed time). A checkpoint is written into a hidden temporary directory
 * and renamed into place, so a crash never leaves a half-written one; only complete ones are
 * listed; the newest {@code keep} are kept.
 */
public final class Checkpoints {

    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final String STATE = "state.json";

    private final Path dir;
    private final int keep;

    /** One complete checkpoint on disk. */
    public record Checkpoint(Path dir, int step) {}

    public Checkpoints(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    /** Writes a checkpoint atomically and prunes old ones. */
    public Checkpoint save(int step, Block model, Adam adam, JsonObject state) {
        Path target = dir.resolve(String.format("step-%06d", step));
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempDirectory(dir, ".tmp-step-");
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(tmp.resolve("model.params"))))) {
                model.saveParameters(out);
            }
            if (adam != null) {
                try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp.resolve("optimizer.ndlist")))) {
                    adam.state().encode(out);
                }
                state.addProperty("optimizer_steps", adam.stepCount());
            }
            state.addProperty("step", step);
            Files.writeString(tmp.resolve(STATE), state.toString(), StandardCharsets.UTF_8);
            if (Files.exists(target)) {
                deleteRecursively(target);
            }
            AtomicFiles.move(tmp, target);
            prune();
            return new Checkpoint(target, step);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** Complete checkpoints, oldest first. */
    public List<Checkpoint> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Checkpoint> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p.resolve(STATE)) && Files.isRegularFile(p.resolve("model.params"))) {
                    found.add(new Checkpoint(p, Integer.parseInt(m.group(1))));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparingInt(Checkpoint::step));
        return found;
    }

    public Optional<Checkpoint> newest() {
        List<Checkpoint> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Loads parameters into {@code model} (and Adam moments when {@code adam} is not null); returns state.json. */
    public JsonObject load(Checkpoint checkpoint, Block model, Adam adam, NDManager manager) {
        Path params = checkpoint.dir().resolve("model.params");
        java.util.Map<String, ai.djl.ndarray.types.Shape> expected = new java.util.LinkedHashMap<>();
        model.getParameters().forEach(p -> expected.put(p.getKey(), p.getValue().getArray().getShape()));
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(params)))) {
            model.loadParameters(manager, in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new UserException("cannot load checkpoint " + params + " (does the config match the run that wrote it?): "
                    + e.getMessage(), e);
        }
        // DJL replaces arrays without checking their shapes: a checkpoint of another model must not load silently
        model.getParameters().forEach(p -> {
            ai.djl.ndarray.types.Shape got = p.getValue().getArray().getShape();
            if (!got.equals(expected.get(p.getKey()))) {
                throw new UserException("cannot load checkpoint " + params + ": parameter " + p.getKey() + " has shape "
                        + got + " but the configured model expects " + expected.get(p.getKey())
                        + " (does the config match the run that wrote it?)");
            }
        });
        JsonObject state;
        try {
            state = JsonParser.parseString(Files.readString(checkpoint.dir().resolve(STATE))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path opt = checkpoint.dir().resolve("optimizer.ndlist");
        if (adam != null && Files.isRegularFile(opt)) {
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(opt));
                    NDManager scratch = manager.newSubManager()) {
                NDList saved = NDList.decode(scratch, in);
                adam.restore(saved, state.get("optimizer_steps").getAsLong());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return state;
    }

    private void prune() throws IOException {
        List<Checkpoint> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            deleteRecursively(all.get(i).dir());
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
