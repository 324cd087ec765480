package io.github.vqlc.models.generation;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.vqlc.core.UserException;
import java.util.Arrays;

/**
 * A class-conditional image generator decoding through a tokenizer: the token GPT or the latent
 * diffusion transformer. {@code vqlc generate}, sample grids during training and gFID take either.
 * Batch b of a call is drawn after seeding the engine with (seed, b), so the same call with the same
 * seed gives the same images.
 */
public interface ClassImageSampler {

    /**
     * Receives each generated batch: images (B, C, H, W) float32 in [-1, 1], their class ids, and
     * the tokenizer's codes they were decoded from (B, ...), position after position with the
     * quantizer's G codes per position last (for counting the codes generation uses).
     */
    @FunctionalInterface
    interface Sink {
        void accept(NDArray images, int[] classes, NDArray codes);
    }

    /** Label classes the model was trained with; 0 = unconditional (class id 0 then stands for "none"). */
    int classes();

    /**
     * Generates {@code count} images of each class in {@code classes}, in class order, {@code
     * batchSize} at a time (a batch may mix classes).
     */
    void generate(int[] classes, int count, int batchSize, long seed, Sink sink);

    /** One batch of generation: its class ids (B) int64 on {@code sub}, and as ints for the sink. */
    @FunctionalInterface
    interface BatchWork {
        void run(NDManager sub, NDArray classes, int[] labels);
    }

    /**
     * Runs {@code work} on {@code labels} cut into batches of {@code batchSize}, each in a
     * sub-manager of {@code manager} closed after it, batch b after seeding the engine with (seed, b).
     */
    static void inBatches(int[] labels, int batchSize, long seed, NDManager manager, BatchWork work) {
        int batch = 0;
        for (int from = 0; from < labels.length; from += batchSize) {
            int[] part = Arrays.copyOfRange(labels, from, Math.min(labels.length, from + batchSize));
            try (NDManager sub = manager.newSubManager()) {
                Engine.getInstance().setRandomSeed((int) (seed * 1_000_003L + batch++));
                work.run(sub, sub.create(Arrays.stream(part).asLongStream().toArray()), part);
            }
        }
    }

    /**
     * {@code count} copies of each class id in order, after checking each against {@code known}
     * classes (0 = unconditional: only id 0, which is also id {@code known}, the "no class" row).
     */
    static int[] labels(int[] classes, int count, int known) {
        int[] all = new int[classes.length * count];
        for (int i = 0; i < classes.length; i++) {
            int c = classes[i];
            if (c < 0 || c > known) {
                throw new UserException("class " + c + " is out of range: the model knows classes 0.." + (known - 1)
                        + (known == 0 ? " (none: it is unconditional)" : ""));
            }
            Arrays.fill(all, i * count, (i + 1) * count, c);
        }
        return all;
    }
}
