package io.github.vqlc.core.data;

import io.github.vqlc.core.UserException;

/**
 * Missing, unreadable or corrupt data. The message is one line that names the file or directory
 * and what is wrong with it, e.g. {@code "train-images-idx3-ubyte.gz: truncated: expected 47040000
 * bytes of pixels, found 1234"}; the CLI prints it and exits with code 2.
 */
public class DataException extends UserException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
