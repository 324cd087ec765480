package io.github.vqlc.experiments.sweep.execution;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM running one cell: this JVM's java binary, class path, heap and
 * {@code -D} options (as bin/vqlc set them: ai.djl.offline, thread counts, ...), with the PyTorch
 * thread count divided among the {@code parallel} children. Agents (debuggers, coverage) are not
 * passed on.
 */
public final class ChildJvm {

    static final String THREADS = "ai.djl.pytorch.num_threads";

    private final List<String> prefix;

    private ChildJvm(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /**
     * The command prefix for children like this JVM running {@code mainClass}, {@code parallel} of
     * which run at once.
     *
     * @param javaHome this JVM's {@code java.home}
     * @param classPath this JVM's {@code java.class.path}
     */
    public static ChildJvm like(Path javaHome, String classPath, String mainClass, int parallel) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.addAll(jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments(), parallel));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        return new ChildJvm(cmd);
    }

    /** The options worth passing on, with the thread count shared among {@code parallel} children. */
    static List<String> jvmOptions(List<String> inputArguments, int parallel) {
        List<String> out = new ArrayList<>();
        boolean threadsSeen = false;
        for (String a : inputArguments) {
            if (a.startsWith("-D" + THREADS + "=")) {
                int threads = parseInt(
                        a.substring(a.indexOf('=') + 1), Runtime.getRuntime().availableProcessors());
                out.add("-D" + THREADS + "=" + Math.max(1, threads / parallel));
                threadsSeen = true;
            } else if (a.startsWith("-D")
                    || a.startsWith("-Xmx")
                    || a.startsWith("-Xms")
                    || a.startsWith("-Xss")
                    || a.startsWith("-XX:")) {
                out.add(a);
            }
        }
        if (!threadsSeen && parallel > 1) {
            out.add("-D" + THREADS + "=" + Math.max(1, Runtime.getRuntime().availableProcessors() / parallel));
        }
        return out;
    }

    /** The full command: {@code vqlc <args...>} in a child JVM. */
    public List<String> command(List<String> vqlcArgs) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(vqlcArgs);
        return cmd;
    }

    private static int parseInt(String s, int fallback) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
