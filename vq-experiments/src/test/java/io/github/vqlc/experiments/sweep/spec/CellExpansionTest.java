package io.github.vqlc.experiments.sweep.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.sweep.execution.CellConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellExpansionTest {

    @TempDir
    Path dir;

    @BeforeEach
    void base() throws Exception {
        Files.writeString(dir.resolve("base.conf"), "model.embed-dim = 16\ntrain.steps = 7\n");
    }

    private SweepSpec spec(String body, String... overrides) throws Exception {
        Path f = dir.resolve("s.conf");
        Files.writeString(
                f,
                "sweep {\n  name = t\n  base = \"" + dir.resolve("base.conf") + "\"\n  dir = \"" + dir.resolve("out")
                        + "\"\n" + body + "\n}\n");
        return SweepSpec.load(f, List.of(overrides));
    }

    private static final String AXES = """
              axes = [
                { name = method, bundles = [
                  { name = a, overrides { quantizer.type = vq } }
                  { name = b, overrides { quantizer { type = ema, decay = 0.9 } } }
                ] }
                { key = quantizer.codebook-size, values = [1024, 16384, 1e5] }
              ]
            """;

    private static List<String> names(List<Cell> cells) {
        return cells.stream().map(Cell::name).toList();
    }

    @Test
    void productInAxisOrderThenExcludesThenIncludesThenSeedsOutermost() throws Exception {
        SweepSpec s = spec(AXES + """
                  seeds = [0, 3]
                  exclude = [ { method = a, quantizer.codebook-size = 100000 }, { quantizer.codebook-size = 16384 } ]
                  extra-cells = [ { method = a, quantizer.codebook-size = 50000 } ]
                """);
        List<Cell> cells = CellExpansion.expand(s);
        assertThat(names(cells))
                .containsExactly(
                        "a_codebook-size=1024_seed=0",
                        "b_codebook-size=1024_seed=0",
                        "b_codebook-size=100000_seed=0",
                        "a_codebook-size=50000_seed=0",
                        "a_codebook-size=1024_seed=3",
                        "b_codebook-size=1024_seed=3",
                        "b_codebook-size=100000_seed=3",
                        "a_codebook-size=50000_seed=3");
        assertThat(cells.get(5).index()).isEqualTo(5);
        assertThat(cells.get(5).group()).isEqualTo("b_codebook-size=1024");
        assertThat(cells.get(5).seed()).isEqualTo(3);

        ExperimentConfig c = CellConfigs.load(s, cells.get(6));
        assertThat(c.quantizer().type()).isEqualTo("ema");
        assertThat(c.quantizer().codebookSize()).isEqualTo(100000);
        assertThat(c.quantizer().section().getDouble("decay")).isEqualTo(0.9);
        assertThat(c.run().seed()).isEqualTo(3);
        assertThat(c.run().dir()).isEqualTo(dir.resolve("out").resolve("b_codebook-size=100000_seed=3"));
        assertThat(c.run().name()).isEqualTo("b_codebook-size=100000_seed=3");
        assertThat(c.model().embedDim()).isEqualTo(16); // from the base
    }

    @Test
    void overridesStackBaseThenSweepOverridesThenCommandLineThenAxes() throws Exception {
        SweepSpec s = spec(
                AXES + "overrides { train.steps = 11, quantizer.codebook-size = 5 }\n",
                "train.batch-size=3",
                "sweep.seeds=[7]");
        Cell cell = CellExpansion.expand(s).get(0);
        ExperimentConfig c = CellConfigs.load(s, cell);
        assertThat(c.train().steps()).isEqualTo(11);
        assertThat(c.train().batchSize()).isEqualTo(3);
        assertThat(c.quantizer().codebookSize()).isEqualTo(1024); // the axis wins over overrides
        assertThat(cell.name()).isEqualTo("a_codebook-size=1024_seed=7");
    }

    @Test
    void keyAxisValuesOfEveryKindMakeReadableNamesAndLabelsRename() throws Exception {
        SweepSpec s = spec("""
                  axes = [
                    { key = model.channel-mult, values = [[1, 2], [1, 2, 2]] }
                    { key = quantizer.codebook.frozen, label = frozen, values = [true] }
                    { key = train.lr, values = [1e-3] }
                  ]
                """);
        assertThat(names(CellExpansion.expand(s)))
                .containsExactly(
                        "channel-mult=1-2_frozen=true_lr=0.001_seed=0",
                        "channel-mult=1-2-2_frozen=true_lr=0.001_seed=0");
    }

    @Test
    void aBundleCanReplaceASectionOfTheBase() throws Exception {
        Files.writeString(dir.resolve("base.conf"), "quantizer { type = lc, codebook.frozen = false }\n");
        SweepSpec s = spec("""
                  axes = [ { name = m, bundles = [
                    { name = vq, replace = [quantizer], overrides { quantizer.type = vq } }
                    { name = lc, overrides {} } ] } ]
                """);
        List<Cell> cells = CellExpansion.expand(s);
        assertThat(CellConfigs.load(s, cells.get(0)).quantizer().type()).isEqualTo("vq");
        assertThat(CellConfigs.load(s, cells.get(1)).quantizer().section().getBoolean("codebook.frozen"))
                .isFalse();
        // without replace the lc key left in the base is invalid for vq
        SweepSpec merged =
                spec("axes = [ { name = m, bundles = [ { name = vq, overrides { quantizer.type = vq } } ] } ]");
        assertThatThrownBy(() ->
                        CellConfigs.load(merged, CellExpansion.expand(merged).get(0)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("quantizer.codebook.frozen");
    }

    @Test
    void renderedSpecLoadsBackToTheSameCellsAndRendersIdentically() throws Exception {
        SweepSpec s = spec(AXES + """
                  seeds = [1, 2]
                  exclude = [ { method = b } ]
                  extra-cells = [ { method = b, quantizer.codebook-size = 77 } ]
                  overrides { train.warmup-steps = ${train.steps} }
                  display-names { a = "A!" }
                  slurm.extra-lines = ["#SBATCH --account=x"]
                """);
        Path copy = dir.resolve("copy").resolve("sweep.conf");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, s.render());
        SweepSpec again = SweepSpec.load(copy, List.of());
        assertThat(again.render()).isEqualTo(s.render());
        assertThat(again.base()).isEqualTo(dir.resolve("base.conf"));
        assertThat(again.displayNames()).containsEntry("a", "A!");
        assertThat(again.slurm().extraLines()).containsExactly("#SBATCH --account=x");
        assertThat(names(CellExpansion.expand(again))).isEqualTo(names(CellExpansion.expand(s)));
        // substitutions inside overrides resolve in each cell's config
        assertThat(CellConfigs.load(again, CellExpansion.expand(again).get(0))
                        .train()
                        .warmupSteps())
                .isEqualTo(7);
    }

    @Test
    void downstreamOnlyComparesValuesAsTheAxesDoAndTheSectionSurvivesTheRenderedSpec() throws Exception {
        Files.writeString(dir.resolve("gpt.conf"), "gpt.layers = 1\n");
        String downstream = """
                  downstream { enabled = true, gpt = "%s", count = 7, overrides { gpt.width = 32 },
                    only = [ { method = b, quantizer.codebook-size = 100000 }, { quantizer.codebook-size = 1.024e3 } ] }
                """.formatted(dir.resolve("gpt.conf"));
        SweepSpec s = spec(AXES + downstream);
        List<Cell> cells = CellExpansion.expand(s);
        // 1e5 on the axis and 100000 in `only` are the same value; 1.024e3 = 1024
        assertThat(cells.stream()
                        .filter(c -> s.downstream().appliesTo(c))
                        .map(Cell::name)
                        .toList())
                .containsExactly(
                        "a_codebook-size=1024_seed=0", "b_codebook-size=1024_seed=0", "b_codebook-size=100000_seed=0");
        assertThat(s.downstream().gpt()).isEqualTo(dir.resolve("gpt.conf"));

        Path copy = dir.resolve("copy").resolve("sweep.conf");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, s.render());
        SweepSpec again = SweepSpec.load(copy, List.of());
        assertThat(again.render()).isEqualTo(s.render());
        assertThat(again.downstream()).isEqualTo(s.downstream());
        assertThat(CellExpansion.expand(again).stream()
                        .filter(c -> again.downstream().appliesTo(c))
                        .count())
                .isEqualTo(3);

        // an entry that selects nothing (a typo in a bundle name or a value) fails before anything runs
        SweepSpec typo = spec(AXES + downstream.replace("method = b,", "method = bb,"));
        assertThatThrownBy(() -> CellConfigs.load(typo, CellExpansion.expand(typo)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("matches no cell");
        assertThatThrownBy(() -> spec(AXES + "downstream { only = [ { nope = 1 } ] }"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("axis 'nope'");
        assertThatThrownBy(() -> spec(AXES + "downstream { enabled = true }"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("sweep.downstream.gpt");
        assertThatThrownBy(() -> spec(AXES + "downstream { enabeld = true }"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("sweep.downstream.enabeld");
    }

    @Test
    void userErrorsAreOneLineNamingTheProblem() throws Exception {
        assertThatThrownBy(() -> spec(AXES + "sedes = [1]\n"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("sweep.sedes")
                .hasMessageContaining("s.conf:");
        assertThatThrownBy(() -> spec(AXES + "slurm.gpus = 2\n")).hasMessageContaining("sweep.slurm.gpus");
        assertThatThrownBy(() -> spec("axes = [ { key = train.steps } ]"))
                .hasMessageContaining("sweep.axes[0]")
                .hasMessageContaining("either");
        assertThatThrownBy(() -> spec(AXES + "axes = ${sweep.axes} [ { key = method.x, values = [1] } ]"))
                .hasMessageContaining("prefix");
        SweepSpec typo = spec("axes = [ { key = quantizer.codebok-size, values = [1] } ]");
        assertThatThrownBy(() -> CellConfigs.load(typo, CellExpansion.expand(typo)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("cell 0")
                .hasMessageContaining("quantizer.codebok-size")
                .hasMessageContaining("s.conf");
        SweepSpec dup = spec(AXES + "extra-cells = [ { method = a, quantizer.codebook-size = 1024.0 } ]");
        assertThatThrownBy(() -> CellExpansion.expand(dup))
                .hasMessageContaining("both named a_codebook-size=1024_seed=0");
        SweepSpec badExclude = spec(AXES + "exclude = [ { methd = a } ]");
        assertThatThrownBy(() -> CellExpansion.expand(badExclude)).hasMessageContaining("'methd' is not an axis");
        SweepSpec partialInclude = spec(AXES + "extra-cells = [ { method = a } ]");
        assertThatThrownBy(() -> CellExpansion.expand(partialInclude))
                .hasMessageContaining("no value for axis quantizer.codebook-size");
        SweepSpec badBundle = spec(AXES + "extra-cells = [ { method = c, quantizer.codebook-size = 1 } ]");
        assertThatThrownBy(() -> CellExpansion.expand(badBundle)).hasMessageContaining("no bundle 'c'");
        for (Throwable t : List.of(
                Assertions.catchThrowable(() -> spec(AXES + "sedes = [1]\n")),
                Assertions.catchThrowable(() -> CellExpansion.expand(dup)))) {
            assertThat(t.getMessage()).doesNotContain("\n");
        }
    }
}
