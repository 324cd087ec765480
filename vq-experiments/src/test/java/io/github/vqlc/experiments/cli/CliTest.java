package io.github.vqlc.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void configTypoExitsTwoWithOneLineNamingTheKey() {
        Path runDir = dir.resolve("y");
        CliRun r = run("train", "-c", "configs/quickstart.conf", "-o", "run.dir=" + runDir, "-o", "quantizer.typo=1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("typo").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(runDir).doesNotExist();
    }

    @Test
    void quantizersListsRegisteredTypesIncludingTheTestOnlyOne() {
        CliRun r = run("quantizers");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("vq ").contains("toy ");
    }

    @Test
    void helpListsEveryCommandWithAWholeOneLineSummary() {
        CliRun r = run("--help");
        assertThat(r.code()).isEqualTo(0);
        List<String> lines = r.out().lines().toList();
        int first = lines.indexOf("Commands:") + 1;
        List<String> commands = new ArrayList<>();
        for (int i = first; i < lines.size() && !lines.get(i).isBlank(); i++) {
            String line = lines.get(i);
            assertThat(line).as("one line per command, no wrapped continuation").matches("  [a-z]+ +\\S.*");
            assertThat(line).as("a whole sentence").endsWith(".");
            commands.add(line.trim().split(" ")[0]);
        }
        assertThat(commands).contains("train", "eval", "sweep", "codebook", "generate", "quantizers");
        for (String c : commands) {
            CliRun h = run(c, "--help");
            assertThat(h.code()).as(c).isEqualTo(0);
            // descriptions are paragraphs picocli wraps, not lines cut mid-sentence by hand
            assertThat(h.out()).as(c).doesNotContainPattern("(?m)^[a-z(][^\\n]*,\\n\\(");
            // a bare % in a description is a format error picocli reports instead of the text
            assertThat(h.err()).as(c).doesNotContain("picocli WARN");
        }
    }

    @Test
    void anUnknownCommandIsAUserErrorNamingItEvenWithHelp() {
        CliRun r = run("nosuch", "--help");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("unknown command 'nosuch'").contains("train, eval");
        CliRun nested = run("gpt", "nosuch");
        assertThat(nested.code()).isEqualTo(2);
        assertThat(nested.err()).contains("unknown command 'nosuch'").contains("vqlc gpt");
        CliRun option = run("train", "--nope");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("(see: vqlc train --help)").doesNotContain("vqlc vqlc");
    }

    @Test
    void evalOfADirectoryWithoutARunIsAUserError() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        CliRun r = run("eval", dir.resolve("empty").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not a run directory");
    }

    @Test
    void missingDatasetIsAUserError() {
        CliRun r = run(
                "train",
                "-o",
                "run.dir=" + dir.resolve("z"),
                "-o",
                "data.name=cifar10",
                "-o",
                "data.root=" + dir.resolve("nowhere"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("vqlc: error:");
    }

    @Test
    void aRunDirectoryThatCannotBeCreatedIsAOneLineUserError() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun r = run(
                "train",
                "-c",
                "configs/quickstart.conf",
                "-o",
                "eval.fid.extractor.type=none",
                "-o",
                "eval.fid.extractor.path=null",
                "-o",
                "run.dir=\"" + file.resolve("run") + "\"");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("vqlc: error: cannot create run directory")
                .doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }
}
