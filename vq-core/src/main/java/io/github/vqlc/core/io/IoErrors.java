package io.github.vqlc.core.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/** I/O errors in the words a user reads, so every "cannot write ..." message says the same thing. */
public final class IoErrors {
    private IoErrors() {}

    /**
     * What went wrong: for a file-system error the path (and the other path of a move or link)
     * and the reason ("runs/x: access denied", "a/b: not a directory"); otherwise the message.
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String reason =
                    f.getReason() != null ? f.getReason() : words(f.getClass().getSimpleName());
            String where = f.getFile() == null ? "" : f.getFile();
            if (f.getOtherFile() != null) {
                where += " -> " + f.getOtherFile();
            }
            return where.isEmpty() ? reason : where + ": " + reason;
        }
        return e.getMessage() != null ? e.getMessage() : words(e.getClass().getSimpleName());
    }

    /** "AccessDeniedException" -> "access denied", "NotDirectoryException" -> "not a directory". */
    static String words(String exceptionName) {
        String base = exceptionName.replaceFirst("Exception$", "");
        if (base.equals("NotDirectory")) {
            return "not a directory";
        }
        if (base.equals("IO")) {
            return "I/O error";
        }
        if (base.equals("NoSuchFile")) {
            return "no such file or directory";
        }
        return base.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
}
