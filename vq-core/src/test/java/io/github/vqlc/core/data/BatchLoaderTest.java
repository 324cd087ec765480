package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** 1x2x2 images: pixel 0 = index / 100, pixel 1 = augmentation draw (or -1 without rng), 2..3 = label / 10. */
    private record Echo(int size) implements ImageDataset {
        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int imageSize() {
            return 2;
        }

        @Override
        public int numClasses() {
            return 7;
        }

        @Override
        public int label(int i) {
            return i % 7;
        }

        @Override
        public void image(int i, float[] dst, int offset, Random augmentRng) {
            dst[offset] = i / 100f;
            dst[offset + 1] = augmentRng == null ? -1f : augmentRng.nextFloat();
            dst[offset + 2] = label(i) / 10f;
            dst[offset + 3] = label(i) / 10f;
        }

        @Override
        public String describe() {
            return "echo " + size;
        }
    }

    private static List<int[]> indices(BatchLoader loader, int batches) {
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            try (NDManager sub = manager.newSubManager()) {
                out.add(loader.nextBatch(sub).indices());
            }
        }
        return out;
    }

    @Test
    void batchShapesTypesAndContents() {
        SyntheticDataset ds = new SyntheticDataset(50, 5, 3, 8, 1);
        try (BatchLoader loader =
                        BatchLoader.builder(ds).setBatchSize(16).optSeed(4).build();
                NDManager sub = manager.newSubManager()) {
            Batch batch = loader.nextBatch(sub);
            assertThat(batch.images().getShape()).isEqualTo(new Shape(16, 3, 8, 8));
            assertThat(batch.images().getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(batch.labels().getShape()).isEqualTo(new Shape(16));
            assertThat(batch.labels().getDataType()).isEqualTo(DataType.INT64);
            assertThat(batch.size()).isEqualTo(16);
            float[] pixels = batch.images().toFloatArray();
            long[] labels = batch.labels().toLongArray();
            float[] expected = new float[ds.imageFloats()];
            for (int j = 0; j < 16; j++) {
                int i = batch.indices()[j];
                ds.image(i, expected, 0, null);
                assertThat(Arrays.copyOfRange(pixels, j * expected.length, (j + 1) * expected.length))
                        .containsExactly(expected);
                assertThat(labels[j]).isEqualTo(ds.label(i));
            }
        }
    }

    @Test
    void everyIndexOncePerEpochAndShortLastBatch() {
        try (BatchLoader loader =
                BatchLoader.builder(new Echo(50)).setBatchSize(16).optSeed(9).build()) {
            assertThat(loader.batchesPerEpoch()).isEqualTo(4);
            List<int[]> batches = indices(loader, 8);
            assertThat(batches.stream().mapToInt(b -> b.length).toArray())
                    .containsExactly(16, 16, 16, 2, 16, 16, 16, 2);
            int[] epoch0 =
                    batches.subList(0, 4).stream().flatMapToInt(Arrays::stream).toArray();
            int[] epoch1 =
                    batches.subList(4, 8).stream().flatMapToInt(Arrays::stream).toArray();
            int[] all = new int[50];
            Arrays.setAll(all, i -> i);
            assertThat(epoch0).containsExactlyInAnyOrder(all);
            assertThat(epoch1).containsExactlyInAnyOrder(all);
            assertThat(epoch0).isNotEqualTo(all); // shuffled
            assertThat(epoch1).isNotEqualTo(epoch0); // reshuffled per epoch
            assertThat(loader.state()).isEqualTo(new LoaderState(1, 50));
        }
    }

    @Test
    void dropLastSkipsShortBatchesAndUnshuffledIsInOrder() {
        try (BatchLoader loader = BatchLoader.builder(new Echo(50))
                .setBatchSize(16)
                .optDropLast(true)
                .optShuffle(false)
                .build()) {
            assertThat(loader.batchesPerEpoch()).isEqualTo(3);
            List<int[]> batches = indices(loader, 4);
            assertThat(batches.get(2)[15]).isEqualTo(47);
            assertThat(batches.get(3)).hasSize(16).startsWith(0, 1, 2); // next epoch starts over
        }
        assertThatThrownBy(() -> BatchLoader.builder(new Echo(5))
                        .setBatchSize(8)
                        .optDropLast(true)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchLoader.builder(new Echo(5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch size");
    }

    @Test
    void seededDeterminism() {
        List<int[]> a;
        List<int[]> b;
        List<int[]> c;
        try (BatchLoader l1 = BatchLoader.builder(new Echo(40))
                        .setBatchSize(8)
                        .optSeed(123)
                        .build();
                BatchLoader l2 = BatchLoader.builder(new Echo(40))
                        .setBatchSize(8)
                        .optSeed(123)
                        .build();
                BatchLoader l3 = BatchLoader.builder(new Echo(40))
                        .setBatchSize(8)
                        .optSeed(124)
                        .build()) {
            a = indices(l1, 12);
            b = indices(l2, 12);
            c = indices(l3, 12);
        }
        for (int k = 0; k < 12; k++) {
            assertThat(b.get(k)).containsExactly(a.get(k));
        }
        boolean differs = false;
        for (int k = 0; k < 12; k++) {
            differs |= !Arrays.equals(a.get(k), c.get(k));
        }
        assertThat(differs).isTrue();
    }

    @Test
    void restoreReplaysTheSameBatchesIncludingAugmentation() {
        float[][] uninterrupted = new float[10][];
        LoaderState saved = null;
        try (BatchLoader loader =
                BatchLoader.builder(new Echo(30)).setBatchSize(8).optSeed(5).build()) {
            for (int k = 0; k < 10; k++) {
                if (k == 6) {
                    saved = loader.state();
                }
                try (NDManager sub = manager.newSubManager()) {
                    uninterrupted[k] = loader.nextBatch(sub).images().toFloatArray();
                }
            }
        }
        assertThat(saved).isEqualTo(new LoaderState(1, 16)); // epoch 0 = 4 batches (8, 8, 8, 6), then 2 more
        try (BatchLoader resumed = BatchLoader.builder(new Echo(30))
                .setBatchSize(8)
                .optSeed(5)
                .optWorkers(3)
                .build()) {
            resumed.restore(saved);
            for (int k = 6; k < 10; k++) {
                try (NDManager sub = manager.newSubManager()) {
                    assertThat(resumed.nextBatch(sub).images().toFloatArray()).containsExactly(uninterrupted[k]);
                }
            }
        }
        // augmentation draws are real random numbers, not the "no rng" marker, and differ across samples
        float[] last = uninterrupted[9];
        assertThat(last[1]).isNotEqualTo(-1f).isNotEqualTo(last[5]);
        assertThatThrownBy(() -> BatchLoader.builder(new Echo(30))
                        .setBatchSize(8)
                        .build()
                        .restore(new LoaderState(0, 31)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void evaluationPassIsOrderedUnaugmentedAndFreesEachBatch() {
        List<Integer> seen = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        try (BatchLoader loader =
                BatchLoader.builder(new Echo(21)).setBatchSize(8).optSeed(1).build()) {
            loader.forEachBatch(manager, batch -> {
                float[] px = batch.images().toFloatArray();
                for (int j = 0; j < batch.size(); j++) {
                    seen.add(batch.indices()[j]);
                    assertThat(px[j * 4 + 1]).isEqualTo(-1f); // no augmentation rng
                    assertThat(px[j * 4]).isEqualTo(batch.indices()[j] / 100f);
                }
                arrays.add(batch.images());
            });
            assertThat(loader.state()).isEqualTo(LoaderState.START); // training stream untouched
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            expected.add(i);
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(arrays).hasSize(3).allMatch(NDArray::isReleased);
    }

    @Test
    void batchesLiveInTheStepSubManager() {
        NDArray images;
        try (BatchLoader loader =
                        BatchLoader.builder(new Echo(10)).setBatchSize(4).build();
                NDManager sub = manager.newSubManager()) {
            Batch batch = loader.nextBatch(sub);
            images = batch.images();
            assertThat(images.getManager()).isSameAs(sub);
            assertThat(images.isReleased()).isFalse();
            Batch fixed = loader.load(sub, new int[] {9, 0});
            assertThat(fixed.labels().toLongArray()).containsExactly(2, 0);
            fixed.close();
            assertThat(fixed.images().isReleased()).isTrue();
        }
        assertThat(images.isReleased()).isTrue();
    }
}
