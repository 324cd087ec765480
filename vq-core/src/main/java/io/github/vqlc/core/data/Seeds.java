package io.github.vqlc.core.data;

/**
 * Derives independent 64-bit seeds from a base seed and counters (SplitMix64 finalizer), so that
 * e.g. the shuffle of epoch {@code e} or the augmentation of sample {@code (e, position)} is a pure
 * function of its coordinates and can be replayed after a resume.
 */
final class Seeds {

    private Seeds() {}

    static long mix(long seed, long a) {
        return fmix(seed ^ fmix(a + 0x9E3779B97F4A7C15L));
    }

    static long mix(long seed, long a, long b) {
        return mix(mix(seed, a), b);
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
