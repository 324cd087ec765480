package io.github.vqlc.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.github.vqlc.core.system.ProcessStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak resident-set growth of the whole process during one call, for the benchmark (Linux only).
 *
 * <p>Before the call, freed native heap is handed back to the kernel ({@code malloc_trim(0)} via
 * JNA, so memory a previous method freed but glibc kept cannot be silently reused) and {@code
 * VmRSS} is read. The peak is then read from {@code VmHWM} after resetting it by writing {@code 5}
 * to {@code /proc/self/clear_refs} (exact, kernel-tracked); where that file is not writable, a
 * background thread samples {@code VmRSS} about every millisecond instead (may miss short spikes).
 */
final class PeakRss {

    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    /** Peak growth in bytes and how it was measured. */
    record Measurement(long peakExtraBytes, String method) {}

    private PeakRss() {}

    /** True when /proc/self/status can be read (Linux). */
    static boolean available() {
        return ProcessStatus.available();
    }

    /** Runs {@code call} and reports the process's peak RSS above the RSS just before it. */
    static Measurement measure(Runnable call) {
        boolean trimmed = MallocTrim.trim();
        String trimNote = trimmed ? "malloc_trim(0) first" : "malloc_trim unavailable";
        long before = readKb("VmRSS");
        if (resetHighWaterMark()) {
            call.run();
            long peak = readKb("VmHWM");
            return new Measurement(
                    Math.max(0, peak - before) * 1024,
                    "VmHWM after reset via /proc/self/clear_refs minus VmRSS before; " + trimNote);
        }
        AtomicLong max = new AtomicLong(before);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(
                () -> {
                    while (running.get()) {
                        max.accumulateAndGet(readKb("VmRSS"), Math::max);
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            call.run();
        } finally {
            running.set(false);
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        max.accumulateAndGet(readKb("VmRSS"), Math::max);
        return new Measurement(
                Math.max(0, max.get() - before) * 1024,
                "max VmRSS sampled every ~1 ms minus VmRSS before; " + trimNote);
    }

    private static boolean resetHighWaterMark() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static long readKb(String field) {
        return ProcessStatus.kilobytes(field).orElse(0);
    }

    /** glibc's malloc_trim through JNA (a dependency of DJL); absent or failing means "not trimmed". */
    private static final class MallocTrim {

        /** The C library binding. */
        public interface CLibrary extends Library {
            int malloc_trim(long pad);
        }

        private static volatile CLibrary lib;
        private static volatile boolean failed;

        static boolean trim() {
            if (failed) {
                return false;
            }
            try {
                if (lib == null) {
                    lib = Native.load("c", CLibrary.class);
                }
                lib.malloc_trim(0);
                return true;
            } catch (Throwable e) { // NoClassDefFoundError without JNA, UnsatisfiedLinkError off glibc
                failed = true;
                return false;
            }
        }
    }
}
