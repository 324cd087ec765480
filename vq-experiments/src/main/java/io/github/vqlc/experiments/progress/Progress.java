package io.github.vqlc.experiments.progress;

import io.github.vqlc.models.train.TrainingObserver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a live bar with step, images/s, ETA and the latest losses on a terminal;
 * plain log lines (every {@code every} steps and at the end) when output is not a terminal.
 */
public final class Progress implements TrainingObserver {

    private final PrintStream out;
    private final boolean terminal;
    private final int every;
    private ProgressBar bar;
    private int first;
    private int total;
    private long startNanos;
    private Map<String, Double> latest = Map.of();

    public Progress(PrintStream out, boolean terminal, int every) {
        this.out = out;
        this.terminal = terminal;
        this.every = Math.max(1, every);
    }

    @Override
    public void started(int firstStep, int totalSteps) {
        first = firstStep;
        total = totalSteps;
        startNanos = System.nanoTime();
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName("train")
                    .setInitialMax(totalSteps)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .showSpeed()
                    .startsFrom(firstStep - 1, Duration.ZERO)
                    .build();
        } else {
            out.printf(Locale.ROOT, "training steps %d..%d%n", firstStep, totalSteps);
        }
    }

    @Override
    public void stepped(int step, double imagesPerSecond, Map<String, Double> losses) {
        if (!losses.isEmpty()) {
            latest = losses;
        }
        if (terminal) {
            bar.stepTo(step);
            bar.setExtraMessage(String.format(Locale.ROOT, "%.0f img/s %s", imagesPerSecond, format(latest)));
        } else if (step % every == 0 || step == total) {
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            double perStep = elapsed / Math.max(1, step - first + 1);
            double eta = perStep * (total - step);
            out.printf(
                    Locale.ROOT,
                    "step %d/%d  %.0f img/s  eta %s  %s%n",
                    step,
                    total,
                    imagesPerSecond,
                    duration(eta),
                    format(latest));
        }
    }

    @Override
    public void note(String message) {
        if (terminal && bar != null) {
            bar.pause();
            out.println();
            out.println(message);
            bar.resume();
        } else {
            out.println(message);
        }
    }

    @Override
    public void finished() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    static String format(Map<String, Double> losses) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.4g", e.getValue()));
        }
        return sb.toString();
    }

    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
