package io.github.vqlc.core.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Fields of {@code /proc/self/status} (Linux); empty where the file or the field is missing. */
public final class ProcessStatus {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessStatus() {}

    /** True when the status file can be read. */
    public static boolean available() {
        return Files.isReadable(STATUS);
    }

    /** A field given in kB, e.g. {@code kilobytes("VmRSS")} for the resident set. */
    public static OptionalLong kilobytes(String field) {
        try {
            return parse(Files.readString(STATUS, StandardCharsets.US_ASCII), field);
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    /** The resident set in MiB, or NaN where unknown. */
    public static double residentMiB() {
        OptionalLong kb = kilobytes("VmRSS");
        return kb.isPresent() ? kb.getAsLong() / 1024.0 : Double.NaN;
    }

    /** {@code field}'s kB value in a status file's text ({@code "VmRSS:\t  1234 kB"}). */
    static OptionalLong parse(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                String value = line.substring(field.length() + 1).trim();
                int space = value.indexOf(' ');
                try {
                    return OptionalLong.of(Long.parseLong(space < 0 ? value : value.substring(0, space)));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
