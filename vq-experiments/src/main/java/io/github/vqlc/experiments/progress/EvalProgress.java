package io.github.vqlc.experiments.progress;

import io.github.vqlc.eval.reconstruction.TokenizerEvaluator;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows evaluation progress: a live bar (images, images/s, ETA) on a terminal; otherwise one plain
 * line per tenth of each pass with images/s and ETA.
 */
public final class EvalProgress implements TokenizerEvaluator.Listener {

    private final PrintStream out;
    private final boolean terminal;
    private ProgressBar bar;
    private String pass;
    private int total;
    private int nextReport;
    private long startNanos;

    public EvalProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void pass(String what, int images) {
        finish();
        pass = what;
        total = images;
        nextReport = Math.max(1, images / 10);
        startNanos = System.nanoTime();
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName("eval")
                    .setInitialMax(images)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .setUnit(" img", 1)
                    .showSpeed()
                    .build();
            bar.setExtraMessage(what);
        } else {
            out.printf(Locale.ROOT, "eval: %s, %d images%n", what, images);
        }
    }

    @Override
    public void advanced(int done) {
        if (terminal) {
            bar.stepTo(done);
            if (done >= total) {
                finish();
            }
            return;
        }
        if (done >= nextReport || done >= total) {
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            double rate = done / Math.max(elapsed, 1e-9);
            out.printf(
                    Locale.ROOT,
                    "eval %s: %d/%d images  %.0f img/s  eta %s%n",
                    pass,
                    done,
                    total,
                    rate,
                    Progress.duration((total - done) / Math.max(rate, 1e-9)));
            while (nextReport <= done) {
                nextReport += Math.max(1, total / 10);
            }
        }
    }

    /** Closes a live bar (idempotent). */
    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
