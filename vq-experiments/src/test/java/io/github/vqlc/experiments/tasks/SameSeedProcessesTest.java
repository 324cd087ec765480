package io.github.vqlc.experiments.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.experiments.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two `vqlc train` processes with the same config and seed, each with two intra-op threads, log
 * the same losses and write the same metrics (timings and resident memory aside).
 */
@Tag("e2e")
class SameSeedProcessesTest {

    @TempDir
    Path tmp;

    /** What differs between processes by nature: speed and memory. */
    private static final List<String> TIMINGS =
            List.of("images_per_second", "elapsed_seconds", "train_seconds", "resident_mib");

    @Test
    void theQuickstartModelTrainsToTheSameBitsInTwoProcesses() throws Exception {
        List<Process> processes = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            processes.add(start(tmp.resolve(name)));
        }
        for (Process p : processes) {
            assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as("exit code (log in the run's parent)").isZero();
        }
        List<Map<String, String>> a = withoutTimings(tmp.resolve("a"));
        List<Map<String, String>> b = withoutTimings(tmp.resolve("b"));
        assertThat(a).hasSizeGreaterThan(4);
        assertThat(b).isEqualTo(a);
    }

    private static Process start(Path runDir) throws Exception {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=2",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                "-c",
                "configs/quickstart.conf",
                "-o",
                "run.dir=" + runDir,
                "-o",
                "train.steps=8",
                "-o",
                "train.log-every=2",
                "-o",
                "train.sample-every=0",
                "-o",
                "eval.limit=256",
                "-o",
                "eval.fid.extractor.type=none",
                "-o",
                "eval.fid.extractor.path=null");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(
                        runDir.resolveSibling(runDir.getFileName() + ".log").toFile());
        // as bin/vqlc: libtorch's AVX-512 kernels are not trusted on every CPU (docs/djl-pitfalls.md)
        pb.environment().put("DNNL_MAX_CPU_ISA", "AVX2");
        pb.environment().put("ATEN_CPU_CAPABILITY", "avx2");
        return pb.start();
    }

    /** The log lines and the metrics, each as sorted key -> value text, timings removed. */
    private static List<Map<String, String>> withoutTimings(Path runDir) throws Exception {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("log.jsonl"))) {
            out.add(fields(JsonParser.parseString(line).getAsJsonObject()));
        }
        out.add(fields(JsonParser.parseString(Files.readString(runDir.resolve("metrics.json")))
                .getAsJsonObject()));
        return out;
    }

    private static Map<String, String> fields(JsonObject o) {
        Map<String, String> m = new TreeMap<>();
        o.entrySet().stream()
                .filter(e -> !TIMINGS.contains(e.getKey()) && !e.getKey().endsWith("_seconds"))
                .forEach(e -> m.put(e.getKey(), e.getValue().toString()));
        return m;
    }
}
