package io.github.vqlc.core;

/**
 * A problem the user can fix (bad config, missing or corrupt data, wrong codebook shape). The CLI
 * prints its one-line message and exits with code 2, without a stack trace.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
