package io.github.vqlc.models.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.vqlc.models.nn.Layers;
import org.junit.jupiter.api.Test;

class GanPartsTest {

    @Test
    void patchDiscriminatorHasTamingsLayoutAndPatchGrid() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchDiscriminator d = new PatchDiscriminator(new DiscriminatorConfig(2, 64, "batch", 0));
            d.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            // 32 -> 16 (s2) -> 8 (s2) -> 7 (s1) -> 6 (s1)
            NDArray logits = d.logits(new ParameterStore(m, false), m.randomNormal(new Shape(2, 1, 32, 32)), true);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 1, 6, 6));
            long trainable = d.getParameters().values().stream()
                    .filter(Parameter::requiresGradient)
                    .mapToLong(p -> p.getArray().size())
                    .sum();
            // conv 1->64 (+bias) 1088; conv 64->128 no bias 131072 + BN 256; conv 128->256 no bias 524288
            // + BN 512; conv 256->1 (+bias) 4097, as torch's NLayerDiscriminator(1, 64, n_layers=2)
            assertThat(trainable).isEqualTo(1088 + 131072 + 256 + 524288 + 512 + 4097);

            PatchDiscriminator plain = new PatchDiscriminator(new DiscriminatorConfig(3, 8, "none", 0));
            plain.initialize(m, DataType.FLOAT32, new Shape(1, 3, 256, 256));
            // 256 -> 128 -> 64 -> 32 -> 31 -> 30: the 30x30 patch grid of pix2pix's 70x70 PatchGAN
            assertThat(plain.getOutputShapes(new Shape[] {new Shape(1, 3, 256, 256)})[0])
                    .isEqualTo(new Shape(1, 1, 30, 30));
        }
    }

    @Test
    void hingeAndNonSaturatingLossesByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray real = m.create(new float[] {2f, 0.5f});
            NDArray fake = m.create(new float[] {-2f, 0.5f});
            // hinge D: 0.5 * (mean(relu(1 - [2, .5])) + mean(relu(1 + [-2, .5]))) = 0.5 * (0.25 + 0.75)
            assertThat(GanLoss.HINGE.discriminator(real, fake).getFloat()).isCloseTo(0.5f, offset(1e-6f));
            assertThat(GanLoss.HINGE.generator(fake).getFloat()).isCloseTo(0.75f, offset(1e-6f));
            double sp = Math.log1p(Math.exp(-2)); // softplus(-2)
            double sp5 = Math.log1p(Math.exp(-0.5));
            double spPlus5 = Math.log1p(Math.exp(0.5));
            double d = 0.5 * ((sp + sp5) / 2 + (sp + spPlus5) / 2);
            assertThat((double) GanLoss.NON_SATURATING.discriminator(real, fake).getFloat())
                    .isCloseTo(d, offset(1e-6));
            double g = (Math.log1p(Math.exp(2)) + sp5) / 2;
            assertThat((double) GanLoss.NON_SATURATING.generator(fake).getFloat())
                    .isCloseTo(g, offset(1e-6));
        }
    }

    @Test
    void adaptiveWeightOnACaseCheckedByHand() {
        try (NDManager m = NDManager.newBaseManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.zeroGradients();
            // 1x1 conv, one channel: dL/dW = sum(h * dL/dy)
            NDArray h = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            NDArray w = m.create(new float[] {0.7f}, new Shape(1, 1, 1, 1));
            NDArray gRec = m.ones(new Shape(1, 1, 2, 2)); // sum(h) = 10
            NDArray gGan = h.mul(2); // sum(2 h^2) = 60
            NDArray lambda = AdaptiveWeight.lambda(h, w, gRec, gGan, 1e4);
            assertThat((double) lambda.getFloat()).isCloseTo(10 / (60 + 1e-4), offset(1e-6));
            // no GAN gradient: 10 / 1e-4 = 1e5, clamped
            assertThat(AdaptiveWeight.lambda(h, w, gRec, gGan.zerosLike(), 1e4).getFloat())
                    .isEqualTo(1e4f);
            assertThat(w.hasGradient()).isFalse();
        }
    }

    @Test
    void weightGradientNormsEqualThoseOfAFullBackwardThroughTheLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            var conv = Layers.conv(2, 3);
            conv.initialize(m, DataType.FLOAT32, new Shape(2, 4, 5, 5));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray weight = conv.getParameters().get("weight").getArray();
            weight.setRequiresGradient(true);
            NDArray h = m.randomNormal(new Shape(2, 4, 5, 5));
            NDArray a = m.randomNormal(new Shape(2, 2, 5, 5));
            NDArray b = m.randomNormal(new Shape(2, 2, 5, 5));
            double[] direct = new double[2];
            NDArray[] targets = {a, b};
            for (int i = 0; i < 2; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = conv.forward(ps, new NDList(h), true).singletonOrThrow();
                    gc.backward(y.mul(targets[i]).sum()); // dL/dy = targets[i]
                    direct[i] = weight.getGradient().norm().getFloat();
                    gc.zeroGradients();
                }
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray[] norms = AdaptiveWeight.weightGradientNorms(h, weight, a, b);
                assertThat((double) norms[0].getFloat()).isCloseTo(direct[0], offset(1e-4 * direct[0]));
                assertThat((double) norms[1].getFloat()).isCloseTo(direct[1], offset(1e-4 * direct[1]));
            }
            assertThat(weight.getGradient().norm().getFloat())
                    .as("the real weight's gradient is untouched")
                    .isZero();
        }
    }
}
