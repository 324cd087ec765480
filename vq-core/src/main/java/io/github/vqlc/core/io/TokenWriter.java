package io.github.vqlc.core.io;

/** Where encoded images go, in order: a {@link TokenFile} or {@link NpyTokenFiles}. */
public interface TokenWriter extends AutoCloseable {

    /** Appends {@code images} images: codes (images*h*w, row-major) and one label each. */
    void append(long[] codes, int[] labels, int images);

    /** Puts the output in place; all declared images must have been appended. */
    void commit();

    /** Without {@link #commit()}, deletes what was written and leaves existing files untouched. */
    @Override
    void close();
}
