package io.github.vqlc.experiments.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a pass over a split's batches (tokenize, latents): a line about every 5% of the
 * batches and after the last, "<what>: done/total images  rate  eta".
 */
public final class SplitProgress {

    private final String what;
    private final int images;
    private final int batches;
    private final int every;
    private final PrintStream log;
    private final long start = System.nanoTime();
    private int imagesDone;
    private int batchesDone;

    public SplitProgress(String what, int images, int batchSize, PrintStream log) {
        this.what = what;
        this.images = images;
        this.batches = (images + batchSize - 1) / batchSize;
        this.every = Math.max(1, batches / 20);
        this.log = log;
    }

    /** Counts one batch of {@code size} images, printing when a line is due. */
    public void batchDone(int size) {
        imagesDone += size;
        batchesDone++;
        if (batchesDone % every == 0 || batchesDone == batches) {
            double secs = (System.nanoTime() - start) / 1e9;
            log.printf(
                    Locale.ROOT,
                    "%s: %d/%d images  %.0f images/s  eta %s%n",
                    what,
                    imagesDone,
                    images,
                    imagesDone / secs,
                    Progress.duration(secs / imagesDone * (images - imagesDone)));
        }
    }

    /** Images counted so far. */
    public int imagesDone() {
        return imagesDone;
    }
}
