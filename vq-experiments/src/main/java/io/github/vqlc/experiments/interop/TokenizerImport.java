package io.github.vqlc.experiments.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.inject.Injector;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.ArrayLayout;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.ContentHash;
import io.github.vqlc.core.io.Provenance;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vqlc import}: a run directory (config.conf and a step-0 checkpoint) from a PyTorch
 * tokenizer's weights, so {@code eval}, {@code tokenize}, {@code analyze} and the GPT work on it.
 * Every tensor the model needs must be in the file with its shape, and every tensor of the file
 * must have a place in the model (a discriminator's and a perceptual network's are skipped); the
 * first that does not is a one-line error and nothing is written.
 */
public final class TokenizerImport {

    /** Names of a training checkpoint that are not the tokenizer's (taming, VQGAN-LC). */
    static final List<String> SKIPPED_PREFIXES =
            List.of("loss.", "discriminator.", "perceptual_loss.", "quantize.used");

    public record Request(Path file, WeightNaming naming, Path configFile, List<String> overrides) {}

    private TokenizerImport() {}

    public static Path run(Request r, PrintStream out) {
        // taming's and VQGAN-LC's encoders pad their stride-2 convolutions on the right and bottom
        var layer = r.naming() == WeightNaming.VQLC
                ? ConfigFactory.empty()
                : ConfigFactory.parseString("model.downsample-padding = \"taming\"");
        ExperimentConfig config = ExperimentConfig.load(r.configFile(), layer, r.overrides());
        Path runDir = config.run().dir();
        if (Files.exists(runDir)) {
            throw new UserException(
                    "run directory " + runDir + " exists; import writes a new one (choose another run.dir)");
        }
        Injector injector = ExperimentModule.injector(config); // the model every command builds from a config
        try (NDManager manager = injector.getInstance(NDManager.class);
                WeightFile weights = WeightFile.open(r.file())) {
            VqAutoencoder model = injector.getInstance(VqAutoencoder.class);
            List<TokenizerNames.Entry> entries =
                    TokenizerNames.of(model, config.model(), model.imageSize(), r.naming());
            check(entries, weights.tensors(), r.file());
            for (TokenizerNames.Entry e : entries) {
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray a = weights.tensors().get(e.name()).read(scratch, "weight file");
                    float[] values = a.toType(DataType.FLOAT32, false).toFloatArray();
                    e.parameter().getArray().set(FloatBuffer.wrap(values));
                }
            }
            write(runDir, config, model, r);
            out.printf(
                    "import: %d tensors (%s naming) from %s -> run %s%n",
                    entries.size(), r.naming().optionName(), Provenance.name(r.file()), Provenance.name(runDir));
            return runDir;
        }
    }

    /** Every needed tensor present with its shape, every tensor of the file placed: or one line naming the first that is not. */
    static void check(List<TokenizerNames.Entry> entries, Map<String, ArrayLayout> tensors, Path file) {
        Set<String> needed = new HashSet<>();
        for (TokenizerNames.Entry e : entries) {
            needed.add(e.name());
            ArrayLayout found = tensors.get(e.name());
            if (found == null) {
                throw new UserException("weight file " + file + " has no tensor " + e.name() + " (expected shape "
                        + ArrayLayout.shapeText(e.externalShape())
                        + "); do the config's model and quantizer match it?");
            }
            if (!found.shape().equals(e.externalShape())) {
                throw new UserException("tensor " + e.name() + " in " + file + ": expected shape "
                        + ArrayLayout.shapeText(e.externalShape()) + ", found " + ArrayLayout.shapeText(found.shape()));
            }
            if (found.dataType() != DataType.FLOAT32
                    && found.dataType() != DataType.FLOAT16
                    && found.dataType() != DataType.FLOAT64) {
                throw new UserException("tensor " + e.name() + " in " + file + " holds " + found.storedType()
                        + " values; expected floating point (F32, F16 or F64)");
            }
        }
        List<String> unplaced = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (!needed.contains(name) && SKIPPED_PREFIXES.stream().noneMatch(name::startsWith)) {
                unplaced.add(name);
            }
        }
        if (!unplaced.isEmpty()) {
            throw new UserException(
                    "tensor " + unplaced.get(0) + " in " + file + " has no place in the model the config"
                            + " describes" + (unplaced.size() > 1 ? " (nor do " + (unplaced.size() - 1) + " more)" : "")
                            + "; do the config's model and quantizer match it?");
        }
    }

    private static void write(Path runDir, ExperimentConfig config, VqAutoencoder model, Request r) {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UserException("cannot create run directory " + runDir + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(runDir.resolve("config.conf"), config.render());
        JsonObject state = new JsonObject();
        state.addProperty("imported_from", Provenance.name(r.file()));
        state.addProperty("imported_sha256", ContentHash.of(r.file()));
        state.addProperty("naming", r.naming().optionName());
        new Checkpoints(runDir.resolve("checkpoints"), 1).save(0, model, null, state);
    }
}
