package io.github.vqlc.models.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints of a run: {@code checkpoints/step-000200/} holding {@code model.params} (DJL block
 * parameters, EMA buffers included), {@code optimizer.ndlist} (Adam moments), the same pair for
 * further networks such as {@code discriminator.params}, named array lists such as
 * {@code ema.ndlist}, and {@code state.json} (step, data position, elapsed time, optimizer steps). A checkpoint is written into a hidden temporary directory
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

    /**
     * What one network contributes to a checkpoint: its parameters ({@code <name>.params}) and its
     * optimizer's moments ({@code <name>-optimizer.ndlist}; {@code optimizer.ndlist} for "model").
     */
    public record Part(String name, Block block, Adam adam) {
        public Part {
            if (!name.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("bad checkpoint part name " + name);
            }
        }

        Path params(Path dir) {
            return dir.resolve(name + ".params");
        }

        Path optimizer(Path dir) {
            return dir.resolve(name.equals(MODEL) ? "optimizer.ndlist" : name + "-optimizer.ndlist");
        }

        String stepsKey() {
            return name.equals(MODEL) ? "optimizer_steps" : name.replace('-', '_') + "_optimizer_steps";
        }
    }

    /** The autoencoder's part name; {@code model.params} is what evaluation loads. */
    public static final String MODEL = "model";

    /** Writes a checkpoint of one model and its optimizer (may be null) atomically, pruning old ones. */
    public Checkpoint save(int step, Block model, Adam adam, JsonObject state) {
        return save(step, List.of(new Part(MODEL, model, adam)), Map.of(), state);
    }

    /**
     * Writes a checkpoint atomically and prunes old ones.
     *
     * @param parts networks with their optimizers (the first is normally {@link #MODEL})
     * @param arrays further named array lists, each saved as {@code <name>.ndlist} (e.g. EMA weights)
     */
    public Checkpoint save(int step, List<Part> parts, Map<String, NDList> arrays, JsonObject state) {
        Path target = dir.resolve(String.format("step-%06d", step));
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempDirectory(dir, ".tmp-step-");
            for (Part part : parts) {
                try (DataOutputStream out =
                        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(part.params(tmp))))) {
                    part.block().saveParameters(out);
                }
                if (part.adam() != null) {
                    try (var out = new BufferedOutputStream(Files.newOutputStream(part.optimizer(tmp)))) {
                        part.adam().state().encode(out);
                    }
                    state.addProperty(part.stepsKey(), part.adam().stepCount());
                }
            }
            for (var e : arrays.entrySet()) {
                try (var out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(e.getKey() + ".ndlist")))) {
                    e.getValue().encode(out);
                }
            }
            state.addProperty("step", step);
            Files.writeString(tmp.resolve(STATE), state.toString(), StandardCharsets.UTF_8);
            if (Files.exists(target)) {
                AtomicFiles.deleteRecursively(target);
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
                if (m.matches()
                        && Files.isRegularFile(p.resolve(STATE))
                        && Files.isRegularFile(p.resolve("model.params"))) {
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
        return load(checkpoint, List.of(new Part(MODEL, model, adam)), manager);
    }

    /**
     * Loads every part's parameters (shape-checked against the configured networks) and, where
     * the part has an optimizer, its moments; returns state.json. A part missing from the
     * checkpoint is a user error (the config must match the run that wrote it).
     */
    public JsonObject load(Checkpoint checkpoint, List<Part> parts, NDManager manager) {
        JsonObject state;
        try {
            state = JsonParser.parseString(Files.readString(checkpoint.dir().resolve(STATE)))
                    .getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Part part : parts) {
            Path params = part.params(checkpoint.dir());
            if (!Files.isRegularFile(params)) {
                throw new UserException("checkpoint " + checkpoint.dir() + " has no " + params.getFileName()
                        + " (was it written with a different config, e.g. without loss.gan?)");
            }
            loadParameters(params, part.block(), manager);
            Path opt = part.optimizer(checkpoint.dir());
            if (part.adam() != null && Files.isRegularFile(opt)) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(opt));
                        NDManager scratch = manager.newSubManager()) {
                    part.adam()
                            .restore(
                                    NDList.decode(scratch, in),
                                    state.get(part.stepsKey()).getAsLong());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return state;
    }

    /** The array list saved as {@code <name>.ndlist}, if the checkpoint has it (arrays in {@code manager}). */
    public static Optional<NDList> readArrays(Checkpoint checkpoint, String name, NDManager manager) {
        Path file = checkpoint.dir().resolve(name + ".ndlist");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return Optional.of(NDList.decode(manager, in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void loadParameters(Path params, Block block, NDManager manager) {
        Map<String, Shape> expected = new LinkedHashMap<>();
        block.getParameters()
                .forEach(p -> expected.put(p.getKey(), p.getValue().getArray().getShape()));
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
            block.loadParameters(manager, in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new UserException(
                    "cannot load checkpoint " + params + " (does the config match the run that wrote it?): "
                            + e.getMessage(),
                    e);
        }
        // DJL replaces arrays without checking their shapes: a checkpoint of another model must not load silently
        block.getParameters().forEach(p -> {
            Shape got = p.getValue().getArray().getShape();
            if (!got.equals(expected.get(p.getKey()))) {
                throw new UserException("cannot load checkpoint " + params + ": parameter " + p.getKey() + " has shape "
                        + got + " but the configured model expects " + expected.get(p.getKey())
                        + " (does the config match the run that wrote it?)");
            }
        });
    }

    private void prune() throws IOException {
        List<Checkpoint> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            AtomicFiles.deleteRecursively(all.get(i).dir());
        }
    }
}
