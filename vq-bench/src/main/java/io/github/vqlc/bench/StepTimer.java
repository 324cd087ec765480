package io.github.vqlc.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Wall and CPU time of a training benchmark's timed steps, and the two lines `bench train` and
 * `bench gpt` both print about them (the compare scripts read {@code cpu_ms_per_step}).
 */
final class StepTimer {

    private long start;
    private long cpuStart;
    private double seconds;
    private double cpuSeconds;

    /** Starts timing (after the warm-up steps). */
    void start() {
        start = System.nanoTime();
        cpuStart = processCpuNanos();
    }

    /** Stops timing; returns the wall seconds since {@link #start}. */
    double stop() {
        seconds = (System.nanoTime() - start) / 1e9;
        cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        return seconds;
    }

    /** "N timed steps in S s (M ms/step)" and "cpu_ms_per_step C". */
    void print(PrintStream out, int steps) {
        out.printf(Locale.ROOT, "%d timed steps in %.1f s (%.1f ms/step)%n", steps, seconds, 1000 * seconds / steps);
        // CPU time of all threads (libtorch's included): steadier than wall time on a shared machine
        // when OpenMP threads do not spin (OMP_WAIT_POLICY=PASSIVE)
        out.printf(Locale.ROOT, "cpu_ms_per_step %.1f%n", 1000 * cpuSeconds / steps);
    }

    /** CPU time of the whole process (all threads, native ones included). */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }
}
