package io.github.vqlc.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.core.engine.TorchOps;
import io.github.vqlc.core.ops.Scalars;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.spi.QuantizerOutput;
import io.github.vqlc.models.gan.DiscriminatorConfig;
import io.github.vqlc.models.gan.GanLoss;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.loss.LossConfig;
import io.github.vqlc.models.vqgan.ModelConfig;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import io.github.vqlc.quantizers.vq.VectorQuantizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GAN step's shortcut (backward to the reconstruction, adaptive weight from two small
 * backward passes, one surrogate backward) must give every generator parameter exactly the
 * gradient of L = rec + qw q + gw lambda G computed the direct way, with lambda computed the
 * direct way too (two full backward passes read at the decoder's last conv).
 */
class VqganObjectiveTest {

    static final ModelConfig MODEL = new ModelConfig(8, List.of(1, 2), 1, List.of(), 8, 4, 0.0);

    static TrainConfig train(double quantizerWeight) {
        return new TrainConfig(
                10, 4, 1e-3, 0, 0, 0.5, 0.9, 1e-8, "l1", quantizerWeight, 1, 0, 10, 1, 0, 1, 1, 0, List.of(), "fp32");
    }

    static LossConfig loss(double ganWeight) {
        return new LossConfig(
                new LossConfig.Perceptual("none", 1.0, ""), new LossConfig.Gan(1, ganWeight, "hinge", true, 1e4));
    }

    @Test
    void theGanStepGivesTheGradientOfTheFullLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            VqAutoencoder model =
                    new VqAutoencoder(MODEL, 8, 1, new VectorQuantizer(16, 4, 0.25f, NearestCodeSearch.create()));
            model.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            PatchDiscriminator d = new PatchDiscriminator(new DiscriminatorConfig(1, 8, "none", 0));
            d.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            List<Parameter> params = trainable(model);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.randomUniform(-1, 1, new Shape(3, 1, 8, 8));
            float gw = 0.1f;
            float qw = 0.3f;
            VqganObjective objective = new VqganObjective(train(qw), loss(gw), null, d);

            VqganObjective.GeneratorResult r = objective.generatorBackward(ps, model, images, true, 1f);
            float lambda = r.terms().get("gan_lambda").getFloat();
            float reported = r.terms().get("loss").getFloat();
            List<float[]> shortcut = grads(params);
            zero(params);

            // direct: lambda from two full backward passes, then one backward of the full loss
            Parameter lastW = model.decoderLastLayer().getParameters().get("weight");
            double[] norms = new double[2];
            for (int i = 0; i < 2; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray recon = model.reconstruct(ps, images, true).reconstruction();
                    NDArray term = i == 0
                            ? recon.sub(images).abs().mean()
                            : GanLoss.HINGE.generator(d.logits(ps, recon, true));
                    gc.backward(term);
                    norms[i] = lastW.getArray().getGradient().norm().getFloat();
                }
                zero(params);
                zero(trainable(d));
            }
            double expectedLambda = Math.min(norms[0] / (norms[1] + 1e-4), 1e4);
            assertThat((double) lambda).isCloseTo(expectedLambda, offset(1e-4 * expectedLambda));
            float full;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                VqAutoencoder.Output out = model.reconstruct(ps, images, true);
                QuantizerOutput q = out.quantized();
                NDArray rec = out.reconstruction().sub(images).abs().mean();
                NDArray g = GanLoss.HINGE.generator(d.logits(ps, out.reconstruction(), true));
                NDArray total = rec.add(Scalars.mul(q.loss(), qw)).add(Scalars.mul(g, gw * lambda));
                gc.backward(total);
                full = total.getFloat();
            }
            assertThat(reported).isCloseTo(full, offset(1e-5f));
            List<float[]> direct = grads(params);
            int compared = 0;
            double global = 0;
            for (float[] b : direct) {
                for (float v : b) {
                    global = Math.max(global, Math.abs(v));
                }
            }
            for (int i = 0; i < params.size(); i++) {
                float[] a = shortcut.get(i);
                float[] b = direct.get(i);
                // relative to the parameter's own scale, with a floor for terms that are zero in exact
                // arithmetic (a conv bias before GroupNorm) and differ only by rounding
                double scale = 1e-3 * global;
                for (float v : b) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int j = 0; j < a.length; j++) {
                    assertThat((double) a[j])
                            .as("%s[%d]", params.get(i).getName(), j)
                            .isCloseTo(b[j], offset(1e-3 * scale));
                }
                compared++;
            }
            assertThat(compared).isGreaterThan(20);
        }
    }

    @Test
    void theDiscriminatorStepTrainsOnlyTheDiscriminator() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            VqAutoencoder model =
                    new VqAutoencoder(MODEL, 8, 1, new VectorQuantizer(16, 4, 0.25f, NearestCodeSearch.create()));
            model.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            PatchDiscriminator d = new PatchDiscriminator(new DiscriminatorConfig(1, 8, "batch", 0));
            d.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            for (Parameter p : trainable(model)) {
                p.getArray().setRequiresGradient(true);
            }
            for (Parameter p : trainable(d)) {
                p.getArray().setRequiresGradient(true);
            }
            ParameterStore ps = new ParameterStore(m, false);
            VqganObjective objective = new VqganObjective(train(0.1), loss(0.1), null, d);
            NDArray images = m.randomUniform(-1, 1, new Shape(4, 1, 8, 8));
            VqganObjective.GeneratorResult g = objective.generatorBackward(ps, model, images, true, 1f);
            zero(trainable(model));
            zero(trainable(d));
            Map<String, NDArray> terms = objective.discriminatorBackward(ps, images, g.reconstruction(), 1f);
            assertThat(terms).containsKeys("d_loss", "logits_real", "logits_fake");
            for (float[] grad : grads(trainable(model))) {
                for (float v : grad) {
                    assertThat(v).isZero();
                }
            }
            double dNorm = 0;
            for (float[] grad : grads(trainable(d))) {
                for (float v : grad) {
                    dNorm += v * v;
                }
            }
            assertThat(dNorm).isGreaterThan(0);
        }
    }

    static List<Parameter> trainable(Block block) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                if (!p.getArray().hasGradient()) {
                    p.getArray().setRequiresGradient(true);
                }
                out.add(p);
            }
        }
        return out;
    }

    static List<float[]> grads(List<Parameter> params) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : params) {
            out.add(p.getArray().getGradient().toFloatArray());
        }
        return out;
    }

    static void zero(List<Parameter> params) {
        for (Parameter p : params) {
            TorchOps.zeroGradient(p.getArray());
        }
    }

    static Map<String, Float> host(Map<String, NDArray> terms) {
        Map<String, Float> out = new LinkedHashMap<>();
        terms.forEach((k, v) -> out.put(k, v.getFloat()));
        return out;
    }
}
