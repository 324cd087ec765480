package io.github.vqlc.experiments.sweep.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vqlc.experiments.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child JVM's command line and what the local runner reads back from a failed cell's log. */
class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void passesHeapAndPropertiesOnSharesThreadsAndDropsAgents() {
        List<String> in = List.of(
                "-Xmx8g",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=4",
                "-agentlib:jdwp=transport=dt_socket",
                "-javaagent:/x/jacoco.jar",
                "-XX:+UseG1GC",
                "-Dvqlc.home=/opt/vqlc");
        assertThat(ChildJvm.jvmOptions(in, 2))
                .containsExactly(
                        "-Xmx8g",
                        "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=2",
                        "-XX:+UseG1GC",
                        "-Dvqlc.home=/opt/vqlc");
        assertThat(ChildJvm.jvmOptions(List.of("-Dai.djl.pytorch.num_threads=3"), 4))
                .containsExactly("-Dai.djl.pytorch.num_threads=1");
        List<String> cmd = ChildJvm.like(
                        Path.of(System.getProperty("java.home")),
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        1)
                .command(List.of("sweep", "--cell", "3"));
        assertThat(cmd.get(0)).endsWith("/bin/java");
        assertThat(cmd)
                .containsSubsequence(
                        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "sweep", "--cell", "3");
    }

    @Test
    void lastErrorPrefersTheCliErrorLineThenAnExceptionThenTheLastLine() throws Exception {
        Path log = dir.resolve("train.log");
        Files.writeString(
                log,
                "step 2/6\nvqlc: error: loss became NaN at step 4\njava.lang.IllegalStateException: x\n"
                        + "\tat a.b.C.d(C.java:1)\n\n");
        assertThat(LocalSweepRunner.lastError(log)).isEqualTo("vqlc: error: loss became NaN at step 4");
        Files.writeString(
                log,
                "step 2/6\nException in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n"
                        + "\tat a.b.C.d(C.java:1)\n");
        assertThat(LocalSweepRunner.lastError(log))
                .startsWith("Exception in thread \"main\" java.lang.OutOfMemoryError");
        Files.writeString(log, "step 2/6\nKilled\n");
        assertThat(LocalSweepRunner.lastError(log)).isEqualTo("Killed");
        assertThat(LocalSweepRunner.duration(Duration.ofSeconds(3725))).isEqualTo("1h02m");
        assertThat(LocalSweepRunner.duration(Duration.ofSeconds(125))).isEqualTo("2m05s");
    }
}
