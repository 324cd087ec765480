package io.github.vqlc.experiments.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import io.github.vqlc.experiments.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both directions against PyTorch (Debian's python3-torch, {@code interop_check.py}): a vqlc
 * tokenizer exported under VQGAN-LC's names reproduces its latents, indices and reconstructions in
 * PyTorch; a tokenizer PyTorch initialized and saved under taming's names imports into vqlc and
 * gives PyTorch's outputs (taming's right-and-bottom downsampling padding included). Skipped, with
 * the reason, where /usr/bin/python3 cannot import torch ({@code scripts/install-pytorch.sh}).
 */
@Tag("e2e")
class PyTorchInteropTest {

    private static final Path SCRIPT = Path.of("vq-bench/scripts/pytorch/interop_check.py");
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPyTorch() throws Exception {
        boolean present;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch")
                    .redirectErrorStream(true)
                    .start();
            present = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        }
        assumeTrue(present, "skipped: " + PYTHON + " cannot import torch (run scripts/install-pytorch.sh)");
    }

    /** The model keys as -o arguments for both programs. */
    private static List<String> overrides(List<String> quantizer, String... more) {
        List<String> out = new ArrayList<>();
        for (String kv : TinyTokenizers.MODEL) {
            out.add("-o");
            out.add(kv);
        }
        for (String kv : quantizer) {
            out.add("-o");
            out.add(kv);
        }
        for (String kv : more) {
            out.add("-o");
            out.add(kv);
        }
        return out;
    }

    /** Runs interop_check.py and returns its output; fails the test on a non-zero exit. */
    private static String python(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS))
                .as("interop_check.py finished")
                .isTrue();
        assertThat(p.exitValue())
                .as("interop_check.py exit code; output:%n%s", out)
                .isZero();
        return out;
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void anExportedLcTokenizerGivesTheSameOutputsInPyTorch() throws Exception {
        List<String> lc = TinyTokenizers.lc("linear");
        try (NDManager m = NDManager.newBaseManager()) {
            TinyTokenizers.writeRun(TinyTokenizers.config(dir.resolve("run"), lc), m);
        }
        Path file = dir.resolve("lc.safetensors");
        Path reference = dir.resolve("reference");
        assertThat(Main.execute(
                        "export",
                        dir.resolve("run").toString(),
                        "--naming",
                        "vqgan-lc",
                        "--out",
                        file.toString(),
                        "--reference",
                        reference.toString()))
                .isZero();
        List<String> args = new ArrayList<>(List.of(
                "compare", "--naming", "vqgan-lc", "--weights", file.toString(), "--reference", reference.toString()));
        args.addAll(overrides(lc));
        String out = python(args);
        assertThat(lastLine(out)).startsWith("interop: OK (indices identical");
    }

    @Test
    void aTamingNamedPyTorchTokenizerImportsAndGivesPyTorchsOutputs() throws Exception {
        List<String> vq = List.of("quantizer.type=vq");
        Path npz = dir.resolve("torch.npz");
        Files.createDirectories(dir.resolve("unused"));
        List<String> save = new ArrayList<>(List.of(
                "save-random",
                "--naming",
                "taming",
                "--out",
                npz.toString(),
                "--seed",
                "3",
                "--reference",
                dir.resolve("unused").toString()));
        save.addAll(overrides(vq, "model.downsample-padding=taming"));
        python(save);

        Path run = dir.resolve("imported");
        List<String> importArgs = new ArrayList<>(List.of("import", npz.toString(), "--naming", "taming"));
        importArgs.addAll(overrides(vq, "run.dir=\"" + run + "\""));
        assertThat(Main.execute(importArgs.toArray(String[]::new))).isZero();
        assertThat(Files.readString(run.resolve("config.conf"))).contains("downsample-padding=taming");
        Path reference = dir.resolve("reference");
        assertThat(Main.execute(
                        "export",
                        run.toString(),
                        "--naming",
                        "taming",
                        "--out",
                        dir.resolve("again.safetensors").toString(),
                        "--reference",
                        reference.toString()))
                .isZero();

        List<String> compare = new ArrayList<>(List.of(
                "compare", "--naming", "taming", "--weights", npz.toString(), "--reference", reference.toString()));
        compare.addAll(overrides(vq, "model.downsample-padding=taming"));
        assertThat(lastLine(python(compare))).startsWith("interop: OK (indices identical");
        // the padding matters: PyTorch with symmetric padding does not reproduce the imported run
        List<String> wrongPadding = new ArrayList<>(compare.subList(0, compare.size() - 2));
        wrongPadding.addAll(List.of("-o", "model.downsample-padding=symmetric"));
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        cmd.addAll(wrongPadding);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(300, TimeUnit.SECONDS);
        assertThat(lastLine(out)).startsWith("interop: FAILED");
    }
}
