package io.github.vqlc.experiments.sweep.execution;

import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.IoErrors;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.DownstreamOptions;
import io.github.vqlc.experiments.tasks.Training;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Runs one cell in this JVM (a Slurm array task, a child of the local runner, or {@code --cell}):
 * skips it when finished, else trains with resume semantics (the newest checkpoint if there is
 * one) and writes the {@code done} marker last; then the downstream stage when the sweep enables it
 * for this cell ({@link DownstreamStage}, its own marker). A lock file keeps two processes off one cell.
 */
public final class CellExecution {

    private CellExecution() {}

    /** @return true when the cell trained now, false when it was already finished */
    public static boolean run(Cell cell, ExperimentConfig config, DownstreamOptions downstream, PrintStream out) {
        Path dir = config.run().dir();
        int steps = config.train().steps();
        if (complete(cell, config, downstream)) {
            out.println("cell " + cell.index() + " " + cell.name() + " is finished (" + dir + "); skipped");
            return false;
        }
        try {
            Files.createDirectories(dir);
            try (FileChannel channel =
                    FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = lock(channel, cell, dir);
                try {
                    if (complete(cell, config, downstream)) { // finished while we waited for the lock
                        return false;
                    }
                    if (!CellState.finished(dir, steps)) {
                        DownstreamStage.invalidate(dir); // tokens, latents, models and gFIDs of an earlier tokenizer
                        boolean started = Files.isDirectory(dir.resolve("checkpoints"));
                        out.println("cell " + cell.index() + " " + cell.name() + ": "
                                + (started ? "continuing" : "starting") + " in " + dir);
                        new Training(config).run(true, out);
                        CellState.markDone(dir, steps);
                    }
                    if (downstream.appliesTo(cell)) {
                        out.println("cell " + cell.index() + " " + cell.name() + ": downstream "
                                + downstream.kind().id() + " and gFID in "
                                + dir.resolve(downstream.kind().id()));
                        DownstreamStage.run(downstream, cell, config, out);
                    }
                    return true;
                } finally {
                    if (lock != null) {
                        lock.release();
                    }
                }
            }
        } catch (IOException e) {
            throw new UserException(
                    "cell " + cell.name() + ": cannot use its directory " + dir + " (" + IoErrors.describe(e) + ")", e);
        }
    }

    /** Trained and evaluated, and through the downstream stage when it applies to the cell. */
    public static boolean complete(Cell cell, ExperimentConfig config, DownstreamOptions downstream) {
        Path dir = config.run().dir();
        return CellState.finished(dir, config.train().steps())
                && (!downstream.appliesTo(cell) || DownstreamStage.finished(dir, downstream.kind()));
    }

    /**
     * Whether another run holds the cell's lock now (another process, or this JVM): the local
     * runner then leaves the cell alone instead of starting a child that would stop at once.
     */
    public static boolean lockedElsewhere(Path dir) {
        Path file = dir.resolve(".lock");
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this JVM
        } catch (IOException e) {
            return false; // no locks on this file system: no protection, as in run()
        }
    }

    /** The lock; null on a file system without locks (no protection there). */
    private static FileLock lock(FileChannel channel, Cell cell, Path dir) {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException e) {
            return null;
        }
        if (lock == null) {
            throw new UserException("cell " + cell.name() + " is being run by another process (lock held on "
                    + dir.resolve(".lock") + ")");
        }
        return lock;
    }
}
