package io.github.vqlc.experiments.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.Datasets;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.NpyFiles;
import io.github.vqlc.core.io.Provenance;
import io.github.vqlc.core.io.SafetensorsFiles;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.train.Checkpoints;
import io.github.vqlc.models.vqgan.ModelConfig;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vqlc export}: a trained tokenizer's weights as a {@code .safetensors} file under a
 * PyTorch program's names ({@link TokenizerNames}), a JSON sidecar ({@code FILE.json}) with the
 * model in taming's config terms, and optionally reference outputs on the first images of the test
 * split (images, latents, indices, reconstructions as {@code .npy}) that a PyTorch program loading
 * the file must reproduce.
 */
public final class TokenizerExport {

    /**
     * @param referenceDir where the reference outputs go (null = none)
     * @param referenceImages how many test images they cover
     * @param discriminator also the PatchGAN discriminator of the checkpoint
     */
    public record Request(
            Path runDir,
            WeightNaming naming,
            Path file,
            Path referenceDir,
            int referenceImages,
            boolean discriminator,
            List<String> overrides) {}

    private TokenizerExport() {}

    public static void run(Request r, PrintStream out) {
        if (!r.file().getFileName().toString().endsWith(".safetensors")) {
            throw new UserException(
                    "export writes .safetensors; name the output file *.safetensors (got " + r.file() + ")");
        }
        try (TrainedRun run = TrainedRun.open(r.runDir(), r.overrides())) {
            ExperimentConfig config = run.config();
            VqAutoencoder model = run.model();
            List<TokenizerNames.Entry> entries =
                    TokenizerNames.of(model, config.model(), model.imageSize(), r.naming());
            try (NDManager scratch = run.manager().newSubManager()) {
                Map<String, NDArray> tensors = new LinkedHashMap<>();
                if (r.discriminator()) {
                    entries = new ArrayList<>(entries);
                    entries.addAll(TokenizerNames.discriminator(loadDiscriminator(run, scratch), r.naming()));
                }
                for (TokenizerNames.Entry e : entries) {
                    tensors.put(
                            e.name(),
                            e.parameter().getArray().reshape(e.externalShape()).toType(DataType.FLOAT32, true));
                }
                tensors.values().forEach(a -> a.attach(scratch));
                createParent(r.file());
                SafetensorsFiles.write(r.file(), tensors);
            }
            Path sidecar = r.file().resolveSibling(r.file().getFileName() + ".json");
            AtomicFiles.writeString(sidecar, sidecar(run, r, entries.size()));
            out.printf(
                    "export: %d tensors (%s naming) -> %s, config -> %s%n",
                    entries.size(), r.naming().optionName(), Provenance.name(r.file()), Provenance.name(sidecar));
            if (r.referenceDir() != null) {
                writeReference(run, r.referenceDir(), r.referenceImages());
                out.printf(
                        "export: reference outputs of %d test images -> %s%n",
                        r.referenceImages(), Provenance.name(r.referenceDir()));
            }
        }
    }

    /** The run's PatchGAN discriminator from its checkpoint, or a user error when it trained without one. */
    private static PatchDiscriminator loadDiscriminator(TrainedRun run, NDManager manager) {
        ExperimentConfig config = run.config();
        if (!Files.isRegularFile(run.checkpoint().dir().resolve("discriminator.params"))) {
            throw new UserException("checkpoint " + run.checkpoint().dir() + " has no discriminator (the run trained"
                    + " without loss.gan); export without --discriminator");
        }
        PatchDiscriminator d = new PatchDiscriminator(config.discriminator());
        d.initialize(
                manager,
                DataType.FLOAT32,
                new Shape(
                        1,
                        run.model().channels(),
                        run.model().imageSize(),
                        run.model().imageSize()));
        new Checkpoints(run.checkpoint().dir().getParent(), Integer.MAX_VALUE)
                .load(run.checkpoint(), List.of(new Checkpoints.Part("discriminator", d, null)), manager);
        return d;
    }

    /**
     * The first {@code n} test images and what the tokenizer makes of them: {@code images.npy}
     * (N, C, S, S) in [-1, 1], {@code latents.npy} (N, D, h, w) (what the quantizer sees), {@code
     * indices.npy} (N, h, w) int64, {@code reconstructions.npy} (N, C, S, S).
     */
    static void writeReference(TrainedRun run, Path dir, int n) {
        ExperimentConfig config = run.config();
        ImageDataset test =
                Datasets.open(config.data(), Split.TEST, config.run().seed());
        if (n < 1 || n > test.size()) {
            throw new UserException(
                    "--reference-images must be in [1, " + test.size() + "] (the test split); got " + n);
        }
        VqAutoencoder model = run.model();
        float[] pixels = new float[n * test.imageFloats()];
        for (int i = 0; i < n; i++) {
            test.image(i, pixels, i * test.imageFloats(), null);
        }
        try (NDManager m = run.manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.create(pixels, new Shape(n, test.channels(), test.imageSize(), test.imageSize()));
            NDArray latents = model.latents(ps, images, false);
            QuantizerOutput q = model.quantizer().quantize(ps, latents, false);
            NDArray reconstructions = model.decode(ps, q.quantized(), false);
            createDirectories(dir);
            NpyFiles.write(dir.resolve("images.npy"), images);
            NpyFiles.write(dir.resolve("latents.npy"), latents);
            NpyFiles.write(dir.resolve("indices.npy"), q.indices().toType(DataType.INT64, false));
            NpyFiles.write(dir.resolve("reconstructions.npy"), reconstructions);
        }
    }

    private static String sidecar(TrainedRun run, Request r, int tensors) {
        ExperimentConfig config = run.config();
        ModelConfig m = config.model();
        VqAutoencoder model = run.model();
        JsonObject o = new JsonObject();
        o.addProperty("format", "vqlc tokenizer export");
        o.addProperty("naming", r.naming().optionName());
        o.addProperty("tensors", tensors);
        o.addProperty("source_run", Provenance.name(r.runDir()));
        o.addProperty("checkpoint_step", run.checkpoint().step());
        o.addProperty("weights_sha256", run.weightsDigest());
        o.addProperty("ema_weights", run.usesEmaWeights());
        JsonObject dd = new JsonObject(); // taming's ddconfig
        dd.addProperty("double_z", false);
        dd.addProperty("z_channels", m.zChannels());
        dd.addProperty("resolution", model.imageSize());
        dd.addProperty("in_channels", model.channels());
        dd.addProperty("out_ch", model.channels());
        dd.addProperty("ch", m.baseChannels());
        dd.add("ch_mult", ints(m.channelMult()));
        dd.addProperty("num_res_blocks", m.resBlocks());
        dd.add("attn_resolutions", ints(m.attnResolutions()));
        dd.addProperty("dropout", m.dropout());
        o.add("ddconfig", dd);
        o.addProperty("embed_dim", m.embedDim());
        o.addProperty("n_embed", model.quantizer().codebookSize());
        o.addProperty("quantizer_type", model.quantizer().type());
        o.addProperty("downsample_padding", m.downsamplePadding().configName());
        if (m.downsamplePadding() == ModelConfig.DownsamplePadding.SYMMETRIC
                && m.channelMult().size() > 1) {
            o.addProperty(
                    "note",
                    "this model's stride-2 convolutions pad 1 pixel on every side; taming's Downsample pads (0, 1, 0,"
                            + " 1): a PyTorch model needs symmetric padding there for the same outputs");
        }
        o.addProperty("vqlc_config", config.render());
        return new GsonBuilder()
                        .setPrettyPrinting()
                        .disableHtmlEscaping()
                        .create()
                        .toJson(o) + "\n";
    }

    private static JsonArray ints(List<Integer> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static void createParent(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
