package io.github.vqlc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine's CPU time other processes took during a benchmark (Linux /proc), so
 * that a timing taken on a shared machine says so.
 */
public final class CpuShare {

    private CpuShare() {}

    /** {busy ticks of all CPUs, total ticks of all CPUs, ticks of this process}, or null off Linux. */
    public static long[] ticks() {
        try {
            String[] all =
                    Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long total = 0;
            for (int i = 1; i <= 8 && i < all.length; i++) { // user nice system idle iowait irq softirq steal
                long v = Long.parseLong(all[i]);
                total += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] f = self.substring(self.lastIndexOf(')') + 2).split(" ");
            long own = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return new long[] {busy, total, own};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Fraction of all cores' time used by other processes between two {@link #ticks()} readings;
     * NaN where unknown.
     */
    public static double othersShare(long[] before, long[] after) {
        if (before == null || after == null || after[1] <= before[1]) {
            return Double.NaN;
        }
        double others = (after[0] - before[0]) - (after[2] - before[2]);
        return Math.max(0, others / (after[1] - before[1]));
    }
}
