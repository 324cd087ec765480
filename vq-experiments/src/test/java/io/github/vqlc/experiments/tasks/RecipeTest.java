package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.inject.Injector;
import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.TestConfigs;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.train.Adam;
import io.github.vqlc.models.train.VqganObjective;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paper-scale recipe builds and trains a step; recipe errors surface before training. */
@Tag("e2e")
class RecipeTest {

    @TempDir
    Path tmp;

    static final Path F16 = Path.of("configs/imagenet/vqgan-lc-f16-100k.conf");

    static ExperimentConfig f16(Path runDir, String... extra) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=\"" + runDir + "\"",
                "run.device=cpu",
                // no CLIP codebook or LPIPS export here: a random frozen codebook of CLIP's width
                "quantizer.codebook.init=random",
                "quantizer.codebook.path=\"\"",
                "quantizer.codebook.dim=768",
                "loss.perceptual.type=none"));
        o.addAll(List.of(extra));
        return ExperimentConfig.load(F16, o);
    }

    @Test
    void theF16ModelBuildsFromItsConfigAndTrainsOneStepOnA256PixelBatch() {
        ExperimentConfig c = f16(tmp.resolve("f16"));
        ModelSummary summary = ModelSummary.of(c);
        String table = summary.render();
        assertThat(table)
                .contains("tokens 16x16 = 256 per image (f16)")
                .contains("encoder")
                .contains("decoder")
                .contains("discriminator");
        String[] lines = table.split("\n");
        assertThat(lines[lines.length - 1]).isEqualTo("total parameters " + summary.total());
        ModelSummary.Row quantizer = summary.rows().stream()
                .filter(r -> r.component().startsWith("quantizer"))
                .findFirst()
                .orElseThrow();
        assertThat(quantizer.frozen()).isEqualTo(100_000L * 768); // the static codebook
        assertThat(quantizer.trainable()).isEqualTo(768L * 8 + 8); // the linear projector

        Injector injector = ExperimentModule.injector(c);
        VqAutoencoder model = injector.getInstance(VqAutoencoder.class);
        VqganObjective objective = injector.getInstance(VqganObjective.class);
        PatchDiscriminator d = objective.discriminator();
        NDManager manager = injector.getInstance(NDManager.class);
        model.getParameters().values().forEach(p -> {
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        });
        d.getParameters().values().forEach(p -> {
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        });
        Adam g = new Adam(List.copyOf(model.getParameters().values()), manager, 0.5, 0.9, 1e-8);
        Adam da = new Adam(List.copyOf(d.getParameters().values()), manager, 0.5, 0.9, 1e-8);
        float[] codebookBefore = codebook(model).toFloatArray();
        float[] firstWeight = model.getParameters().valueAt(0).getArray().toFloatArray();
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager sub = manager.newSubManager()) {
            Engine.getInstance().setRandomSeed(0);
            NDArray images = sub.randomUniform(-1, 1, new Shape(2, 3, 256, 256));
            VqganObjective.GeneratorResult r = objective.generatorBackward(ps, model, images, true, 1f);
            g.step(5e-4);
            da.zeroGradients();
            Map<String, NDArray> dTerms = objective.discriminatorBackward(ps, images, r.reconstruction(), 1f);
            da.step(5e-4);
            assertThat(r.reconstruction().getShape()).isEqualTo(new Shape(2, 3, 256, 256));
            for (String k : List.of("loss", "rec_l1", "g_loss", "gan_lambda")) {
                assertThat(Float.isFinite(r.terms().get(k).getFloat())).as(k).isTrue();
            }
            assertThat(Float.isFinite(dTerms.get("d_loss").getFloat())).isTrue();
        }
        // Arrays.equals: AssertJ element-wise comparison of 77M floats takes minutes
        assertThat(Arrays.equals(codebook(model).toFloatArray(), codebookBefore))
                .as("the frozen codebook stays bit-identical")
                .isTrue();
        assertThat(Arrays.equals(model.getParameters().valueAt(0).getArray().toFloatArray(), firstWeight))
                .as("the encoder learns")
                .isFalse();
    }

    private static NDArray codebook(VqAutoencoder model) {
        return model.quantizer().getParameters().values().stream()
                .filter(p -> !p.requiresGradient() && p.getArray().getShape().equals(new Shape(100_000, 768)))
                .findFirst()
                .orElseThrow()
                .getArray();
    }

    @Test
    void recipeErrorsAreCaughtBeforeTraining() {
        Path run = tmp.resolve("bad");
        assertThat(userError(() -> new Training(TestConfigs.load(TestConfigs.tiny(run, "model.attn-resolutions=[5]")))
                        .run(false, System.out)))
                .hasMessageContaining("attn-resolutions lists 5")
                .hasMessageContaining("[32, 16, 8]");
        assertThat(userError(() -> new Training(TestConfigs.load(TestConfigs.tiny(run, "data.image-size=34")))
                        .run(false, System.out)))
                .hasMessageContaining("not divisible");
        assertThat(userError(() -> new Training(TestConfigs.load(TestConfigs.tiny(
                                run,
                                "loss.perceptual.type=lpips-torchscript",
                                "loss.perceptual.path=missing/lpips.pt")))
                        .run(false, System.out)))
                .hasMessageContaining("missing/lpips.pt");
        assertThat(run).doesNotExist();
    }

    /** The user error behind what {@code call} throws (Guice wraps it; the CLI unwraps it the same way). */
    static UserException userError(ThrowableAssert.ThrowingCallable call) {
        Throwable t = Assertions.catchThrowable(call);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserException u) {
                return u;
            }
        }
        throw new AssertionError("expected a UserException, got " + t, t);
    }
}
