package io.github.vqlc.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamTest {

    private static Parameter scalarParam(NDManager m, float value) {
        Parameter p = Parameter.builder()
                .setName("w")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new ConstantInitializer(value))
                .optShape(new Shape(1))
                .build();
        p.initialize(m, DataType.FLOAT32);
        p.getArray().setRequiresGradient(true);
        return p;
    }

    private static void gradStep(Parameter p, float scale) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray w = p.getArray();
            gc.backward(w.square().sum().mul(w.getManager().full(new Shape(), scale)));
        }
    }

    @Test
    void twoStepsMatchTheFormulaComputedByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = scalarParam(m, 1f);
            Adam adam = new Adam(List.of(p), m, 0.5, 0.9, 1e-8);
            double w = 1;
            double mm = 0;
            double vv = 0;
            for (int t = 1; t <= 2; t++) {
                gradStep(p, 1f); // loss = w^2, grad = 2w
                double g = 2 * w;
                mm = 0.5 * mm + 0.5 * g;
                vv = 0.9 * vv + 0.1 * g * g;
                double mh = mm / (1 - Math.pow(0.5, t));
                double vh = vv / (1 - Math.pow(0.9, t));
                w -= 0.1 * mh / (Math.sqrt(vh) + 1e-8);
                adam.step(0.1);
                assertThat((double) p.getArray().getFloat(0)).as("step %d", t).isCloseTo(w, within(1e-6));
            }
            // gradients are zeroed after each update
            assertThat(p.getArray().getGradient().getFloat(0)).isEqualTo(0f);
        }
    }

    @Test
    void theConcatenatedUpdateGivesTheSameBitsAsOneUpdatePerParameter() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape[] shapes = {new Shape(3, 4), new Shape(5), new Shape(2, 2, 3)};
            List<Parameter> flat = randomParams(m, shapes, 3);
            List<Parameter> each = randomParams(m, shapes, 3);
            Adam a = new Adam(flat, m, 0.5, 0.9, 1e-8, 0.05, p -> p == flat.get(0));
            Adam b = new Adam(each, m, 0.5, 0.9, 1e-8, 0.05, p -> p == each.get(0)).perParameterUpdates();
            for (int step = 0; step < 4; step++) {
                cubicLoss(flat);
                cubicLoss(each);
                a.step(0.01);
                b.step(0.01);
            }
            for (int i = 0; i < shapes.length; i++) {
                assertThat(flat.get(i).getArray().toFloatArray())
                        .as("parameter %d", i)
                        .containsExactly(each.get(i).getArray().toFloatArray());
                assertThat(a.state().get(i).toFloatArray())
                        .containsExactly(b.state().get(i).toFloatArray());
            }
            assertThat(flat.get(1).getArray().getGradient().toFloatArray()).containsOnly(0f);
        }
    }

    private static List<Parameter> randomParams(NDManager m, Shape[] shapes, long seed) {
        Random random = new Random(seed);
        List<Parameter> out = new ArrayList<>();
        for (Shape shape : shapes) {
            Parameter p = Parameter.builder()
                    .setName("p" + out.size())
                    .setType(Parameter.Type.WEIGHT)
                    .build();
            float[] values = new float[(int) shape.size()];
            for (int j = 0; j < values.length; j++) {
                values[j] = (float) random.nextGaussian();
            }
            p.setArray(m.create(values, shape));
            p.getArray().setRequiresGradient(true);
            out.add(p);
        }
        return out;
    }

    /** sum of w^3 over all parameters: gradients 3 w^2, different per element. */
    private static void cubicLoss(List<Parameter> params) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Parameter p : params) {
                NDArray s = p.getArray().pow(3).sum();
                loss = loss == null ? s : loss.add(s);
            }
            gc.backward(loss);
        }
    }

    @Test
    void savedStateRestoresTheExactTrajectory() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter a = scalarParam(m, 1f);
            Adam adamA = new Adam(List.of(a), m, 0.5, 0.9, 1e-8);
            gradStep(a, 1f);
            adamA.step(0.1);
            Parameter b = scalarParam(m, a.getArray().getFloat(0));
            Adam adamB = new Adam(List.of(b), m, 0.5, 0.9, 1e-8);
            adamB.restore(adamA.state(), adamA.stepCount());
            gradStep(a, 1f);
            adamA.step(0.1);
            gradStep(b, 1f);
            adamB.step(0.1);
            assertThat(b.getArray().getFloat(0)).isEqualTo(a.getArray().getFloat(0));
        }
    }

    @Test
    void adamWDecaysOnlySelectedParametersDecoupledFromTheMoments() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter decayed = scalarParam(m, 1f);
            Parameter plain = scalarParam(m, 1f);
            Adam adam = new Adam(List.of(decayed, plain), m, 0.5, 0.9, 1e-8, 0.1, p -> p == decayed);
            double w = 1;
            double mm = 0;
            double vv = 0;
            double wp = 1;
            double mp = 0;
            double vp = 0;
            for (int t = 1; t <= 2; t++) {
                gradStep(decayed, 1f);
                gradStep(plain, 1f);
                double g = 2 * w; // gradient at the weight before decay
                w *= 1 - 0.1 * 0.1; // PyTorch AdamW: p *= 1 - lr * wd, then the Adam step
                mm = 0.5 * mm + 0.5 * g;
                vv = 0.9 * vv + 0.1 * g * g;
                w -= 0.1 * (mm / (1 - Math.pow(0.5, t))) / (Math.sqrt(vv / (1 - Math.pow(0.9, t))) + 1e-8);
                double gp = 2 * wp;
                mp = 0.5 * mp + 0.5 * gp;
                vp = 0.9 * vp + 0.1 * gp * gp;
                wp -= 0.1 * (mp / (1 - Math.pow(0.5, t))) / (Math.sqrt(vp / (1 - Math.pow(0.9, t))) + 1e-8);
                adam.step(0.1);
                assertThat((double) decayed.getArray().getFloat(0))
                        .as("step %d", t)
                        .isCloseTo(w, within(1e-6));
                assertThat((double) plain.getArray().getFloat(0))
                        .as("plain, step %d", t)
                        .isCloseTo(wp, within(1e-6));
            }
            assertThat(w).isLessThan(wp - 0.015); // the decay is visible
        }
    }

    @Test
    void resetRowsZeroesBothMomentsOfThoseRowsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter table = Parameter.builder()
                    .setName("codebook")
                    .setType(Parameter.Type.WEIGHT)
                    .optInitializer(new ConstantInitializer(1f))
                    .optShape(new Shape(3, 2))
                    .build();
            table.initialize(m, DataType.FLOAT32);
            table.getArray().setRequiresGradient(true);
            Parameter other = scalarParam(m, 2f);
            Adam adam = new Adam(List.of(other, table), m, 0.5, 0.9, 1e-8);
            for (int t = 0; t < 2; t++) {
                gradStep(table, 1f);
                gradStep(other, 1f);
                adam.step(0.1);
            }
            adam.resetRows(table, m.create(new long[] {1}));
            // state(): m of each parameter, then v of each
            var state = adam.state();
            float[] mTable = state.get(1).toFloatArray();
            float[] vTable = state.get(3).toFloatArray();
            assertThat(mTable[2]).isZero();
            assertThat(mTable[3]).isZero();
            assertThat(vTable[2]).isZero();
            assertThat(vTable[3]).isZero();
            assertThat(mTable[0]).isNotZero();
            assertThat(vTable[5]).isNotZero();
            assertThat(state.get(0).getFloat(0)).isNotZero();
            // the next flat update reads the reset moments: row 1 moves by a fresh first step (lr)
            float before = table.getArray().getFloat(1, 0);
            gradStep(table, 1f);
            gradStep(other, 1f);
            adam.step(0.1);
            assertThat(before - table.getArray().getFloat(1, 0))
                    .isCloseTo(0.1f / (1 - 0.125f) * 0.5f / (float) Math.sqrt(0.1 / (1 - 0.729)), within(1e-4f));
        }
    }
}
