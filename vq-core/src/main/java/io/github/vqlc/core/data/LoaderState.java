package io.github.vqlc.core.data;

/**
 * Position of a {@link BatchLoader}'s training stream: the epoch and how many samples of that
 * epoch's order have been served. Together with the loader's seed it determines every later batch
 * (order and augmentation), so storing it in a checkpoint gives an exact resume. Serializes with
 * Gson as {@code {"epoch":..,"cursor":..}}.
 */
public record LoaderState(long epoch, int cursor) {

    /** The start of a fresh stream. */
    public static final LoaderState START = new LoaderState(0, 0);

    public LoaderState {
        if (epoch < 0 || cursor < 0) {
            throw new IllegalArgumentException(
                    "loader state needs epoch >= 0 and cursor >= 0, got epoch=" + epoch + " cursor=" + cursor);
        }
    }
}
