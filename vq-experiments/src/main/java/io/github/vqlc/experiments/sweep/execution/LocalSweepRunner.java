package io.github.vqlc.experiments.sweep.execution;

import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.DownstreamOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a sweep's unfinished cells on this machine, {@code parallel} child JVMs at a time, each
 * running {@code vqlc sweep -c <sweep-dir>/sweep.conf --cell I} with its output appended to
 * {@code <cell>/train.log}. Prints one status line per cell start and end; a failed cell does not
 * stop the others. Killing the sweep kills its children; their checkpoints stay for the next run.
 */
public final class LocalSweepRunner {

    /** A cell whose process ended badly. */
    public record Failure(Cell cell, int exitCode, String lastError, Path log) {}

    /**
     * What a run left unfinished, in cell order.
     *
     * @param failures cells whose process ended badly
     * @param busy cells not started because another run held their lock
     */
    public record Outcome(List<Failure> failures, List<Cell> busy) {

        /** Cells that did not finish in this run. */
        public int unfinished() {
            return failures.size() + busy.size();
        }
    }

    private final ChildJvm jvm;
    private final Path sweepConf;
    private final int parallel;
    private final PrintStream out;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    public LocalSweepRunner(ChildJvm jvm, Path sweepConf, int parallel, PrintStream out) {
        this.jvm = jvm;
        this.sweepConf = sweepConf;
        this.parallel = parallel;
        this.out = out;
    }

    /**
     * Runs every unfinished cell whose lock no other run holds; returns the failures and the cells
     * left to other runs.
     */
    public Outcome run(List<Cell> cells, List<ExperimentConfig> configs, DownstreamOptions downstream) {
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        List<Cell> busy = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        Thread killChildren = new Thread(() -> running.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(killChildren);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) {
                Cell cell = cells.get(i);
                ExperimentConfig config = configs.get(i);
                if (CellExecution.complete(cell, config, downstream)) {
                    status(cell, cells.size(), "skip", "(finished)");
                    continue;
                }
                if (CellExecution.lockedElsewhere(config.run().dir())) {
                    busy.add(cell);
                    status(
                            cell,
                            cells.size(),
                            "busy",
                            "(another run holds " + config.run().dir().resolve(".lock") + "; not started here)");
                    continue;
                }
                futures.add(pool.submit(
                        () -> runOne(cell, cells.size(), config.run().dir(), failures)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("sweep runner: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            running.forEach(Process::destroy);
            try {
                Runtime.getRuntime().removeShutdownHook(killChildren);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        List<Failure> sorted = new ArrayList<>(failures);
        sorted.sort((a, b) -> Integer.compare(a.cell().index(), b.cell().index()));
        return new Outcome(sorted, busy);
    }

    private void runOne(Cell cell, int total, Path dir, List<Failure> failures) {
        Path log = dir.resolve("train.log");
        Instant start = Instant.now();
        int code;
        try {
            Files.createDirectories(dir);
            List<String> cmd = jvm.command(List.of(
                    "sweep",
                    "-c",
                    sweepConf.toString(),
                    "--cell",
                    Integer.toString(cell.index()),
                    "--no-aggregate",
                    "--verbose"));
            Files.writeString(
                    log,
                    "=== vqlc sweep: cell " + cell.index() + " " + cell.name() + ", started " + start + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            running.add(p);
            status(cell, total, "start", "(log: " + log + ")");
            try {
                code = p.waitFor();
            } finally {
                running.remove(p);
            }
        } catch (IOException e) {
            failures.add(new Failure(cell, -1, "cannot start: " + e.getMessage(), log));
            status(cell, total, "FAILED", "cannot start: " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String took = duration(Duration.between(start, Instant.now()));
        if (code == 0) {
            status(cell, total, "done", "in " + took + summary(dir));
        } else {
            String last = lastError(log);
            failures.add(new Failure(cell, code, last, log));
            status(cell, total, "FAILED", "exit " + code + " after " + took + ": " + last);
        }
    }

    private synchronized void status(Cell cell, int total, String what, String detail) {
        int width = Integer.toString(total).length();
        out.printf(
                Locale.ROOT, "[%" + width + "d/%d] %-6s %s  %s%n", cell.index() + 1, total, what, cell.name(), detail);
        out.flush();
    }

    private static String summary(Path dir) {
        return JsonLines.readObject(dir.resolve("metrics.json"))
                .map(m -> {
                    StringBuilder s = new StringBuilder();
                    for (String key : List.of("utilization", "psnr", "rfid", "gfid", "sit_gfid")) {
                        if (m.has(key)
                                && m.get(key).isJsonPrimitive()
                                && m.get(key).getAsJsonPrimitive().isNumber()) {
                            s.append(String.format(
                                    Locale.ROOT, "  %s %.4g", key, m.get(key).getAsDouble()));
                        }
                    }
                    return s.toString();
                })
                .orElse("");
    }

    /** The most telling line of a failed cell's log: the CLI's error line, else an exception, else the last line. */
    static String lastError(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
        String exception = null;
        String lastNonBlank = "(empty log)";
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            if (l.startsWith("vqlc: error:") || l.startsWith("vqlc: internal error:")) {
                return l;
            }
            if (exception == null && !l.startsWith("at ") && (l.contains("Exception") || l.contains("Error"))) {
                exception = l;
            }
            if (lastNonBlank.equals("(empty log)") && !l.isEmpty()) {
                lastNonBlank = l;
            }
        }
        return exception != null ? exception : lastNonBlank;
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
