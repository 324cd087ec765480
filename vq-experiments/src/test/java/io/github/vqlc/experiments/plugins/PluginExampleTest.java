package io.github.vqlc.experiments.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vqlc.experiments.cli.Main;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantizer plug-in of examples/quantizer-plugin, built by Maven as its own project against the
 * installed vq-core (its contract test runs there), then put on the classpath of a vqlc process as
 * bin/vqlc puts a plugins/ jar: `vqlc quantizers` lists it, its reference.conf catches a typo, and
 * it trains.
 */
@Tag("e2e")
class PluginExampleTest {

    private static final Path EXAMPLE = Path.of("examples/quantizer-plugin");

    @TempDir
    Path tmp;

    private static String run(List<String> cmd, Path log, int expectedExit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DNNL_MAX_CPU_ISA", "AVX2");
        pb.environment().put("ATEN_CPU_CAPABILITY", "avx2");
        Process p = pb.start();
        assertThat(p.waitFor(600, TimeUnit.SECONDS))
                .as("%s finished", cmd.get(0))
                .isTrue();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code of %s; output:%n%s", cmd, out).isEqualTo(expectedExit);
        return out;
    }

    private List<String> vqlc(Path jar, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-cp",
                System.getProperty("java.class.path") + File.pathSeparator + jar,
                Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void theExamplePluginBuildsOnItsOwnAndIsListedCheckedAndTrained() throws Exception {
        run(
                List.of(
                        "mvn",
                        "-o",
                        "-B",
                        "-q",
                        "-f",
                        EXAMPLE.resolve("pom.xml").toString(),
                        "package"),
                tmp.resolve("build.log"),
                0);
        Path jar = EXAMPLE.resolve("target/vqlc-sign-quantizer.jar");
        assertThat(jar).exists();

        String listed = run(vqlc(jar, "quantizers"), tmp.resolve("quantizers.log"), 0);
        assertThat(listed).containsPattern("(?m)^sign +binary codes").contains("vq ", "fsq ");

        List<String> sign = List.of(
                "-o",
                "data.name=synthetic",
                "-o",
                "data.image-size=16",
                "-o",
                "model.base-channels=16",
                "-o",
                "model.channel-mult=[1,2]",
                "-o",
                "model.z-channels=8",
                "-o",
                "model.embed-dim=6",
                "-o",
                "quantizer.type=sign",
                "-o",
                "quantizer.codebook-size=64");
        List<String> typo = new ArrayList<>(List.of("train"));
        typo.addAll(sign);
        typo.addAll(List.of("-o", "quantizer.betta=1", "-o", "run.dir=" + tmp.resolve("typo")));
        assertThat(run(vqlc(jar, typo.toArray(String[]::new)), tmp.resolve("typo.log"), Main.USER_ERROR))
                .contains("unknown config key 'quantizer.betta'", "valid keys in quantizer (type sign): beta");

        List<String> train = new ArrayList<>(List.of("train"));
        train.addAll(sign);
        train.addAll(List.of(
                "-o",
                "train.steps=3",
                "-o",
                "train.batch-size=4",
                "-o",
                "eval.limit=16",
                "-o",
                "eval.fid.extractor.type=none",
                "-o",
                "eval.fid.extractor.path=null",
                "-o",
                "run.dir=" + tmp.resolve("run")));
        run(vqlc(jar, train.toArray(String[]::new)), tmp.resolve("train.log"), 0);
        assertThat(Files.readString(tmp.resolve("run/metrics.json"))).contains("\"quantizer\": \"sign\"");
    }
}
