package io.github.vqlc.experiments.sweep.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.cli.Main;
import io.github.vqlc.experiments.sweep.execution.SweepDirectory;
import io.github.vqlc.experiments.sweep.spec.Cell;
import io.github.vqlc.experiments.sweep.spec.CellExpansion;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.csv, table.md and plots from hand-written metrics.json files (no training). */
class AggregationTest {

    @TempDir
    Path dir;

    private SweepSpec spec(String seeds) throws Exception {
        Files.writeString(dir.resolve("base.conf"), "");
        Path f = dir.resolve("s.conf");
        Files.writeString(f, """
                sweep {
                  name = t2
                  base = base.conf
                  dir = "%s"
                  seeds = %s
                  axes = [
                    { name = method, bundles = [
                      { name = vqgan, overrides { quantizer.type = vq } }
                      { name = vqgan-lc, overrides { quantizer.type = lc } }
                    ] }
                    { key = quantizer.codebook-size, values = [1024, 100000] }
                  ]
                  display-names { vqgan = "VQGAN", vqgan-lc = "VQGAN-LC" }
                }
                """.formatted(dir.resolve("sw"), seeds));
        return SweepSpec.load(f, List.of());
    }

    private void metrics(String cell, String json) throws Exception {
        Path d = dir.resolve("sw").resolve(cell);
        Files.createDirectories(d);
        Files.writeString(d.resolve("metrics.json"), json);
        Files.writeString(d.resolve("config.conf"), "data { name = \"fashion-mnist\" }\n");
    }

    private static String m(int k, double util, String more) {
        return "{\"run\": \"x\", \"quantizer\": \"vq\", \"tokens\": 64, \"codebook_size\": " + k + ", \"utilization\": "
                + util + ", \"psnr\": 23.34, \"eval_split\": \"test\", \"eval_images\": 10000, \"steps\": 2000" + more
                + "}";
    }

    @Test
    void tableInThePapersLayoutWithMissingCellsAndMetrics() throws Exception {
        SweepSpec spec = spec("[0]");
        metrics(
                "vqgan_codebook-size=1024_seed=0",
                m(1024, 0.034, ", \"ssim\": 0.5244, \"lpips\": 0.171, \"fid_extractor\": \"classifier\""));
        metrics(
                "vqgan_codebook-size=100000_seed=0",
                m(100000, 0.005, ", \"rfid\": 5.444, \"fid_extractor\": \"classifier\""));
        metrics("vqgan-lc_codebook-size=100000_seed=0", m(100000, 0.99949, ", \"rfid\": 2.615, \"ssim\": 0.589"));
        // vqgan-lc at 1024 has not run

        List<Path> written = Aggregation.write(spec, CellExpansion.expand(spec), dir.resolve("sw"));

        assertThat(Files.readString(dir.resolve("sw/table.md"))).isEqualTo("""
                # t2

                | Method | # Tokens | Codebook Size | Utilization (%) | rFID | LPIPS | PSNR | SSIM |
                | --- | --- | --- | --- | --- | --- | --- | --- |
                | VQGAN | 64 | 1,024 | 3.4 | – | 0.17 | 23.3 | 52.4 |
                | VQGAN | 64 | 100,000 | 0.5 | 5.44 | – | 23.3 | – |
                | VQGAN-LC | – | 1,024 | – | – | – | – | – |
                | VQGAN-LC | 64 | 100,000 | 99.9 | 2.62 | – | 23.3 | 58.9 |

                Produced by `vqlc sweep` (t2, 3 of 4 cells finished): data fashion-mnist, metrics on the test split \
                (10,000 images), 2,000 training steps, rFID features classifier; utilization and SSIM x100; one seed per row; \
                – = not measured.
                """);
        assertThat(written)
                .contains(dir.resolve("sw/utilization-vs-codebook.png"), dir.resolve("sw/rfid-vs-codebook.png"));
        assertThat(Files.size(dir.resolve("sw/rfid-vs-codebook.png"))).isGreaterThan(1000);
        assertThat(written).doesNotContain(dir.resolve("sw/utilization-window-vs-codebook.png"));

        List<String> csv = Files.readAllLines(dir.resolve("sw/results.csv"));
        assertThat(csv.get(0))
                .isEqualTo("group,method,quantizer.codebook-size,seeds,finished,quantizer,tokens_mean,tokens_std,"
                        + "codebook_size_mean,codebook_size_std,utilization_mean,utilization_std,psnr_mean,psnr_std,eval_split,"
                        + "eval_images_mean,eval_images_std,steps_mean,steps_std,ssim_mean,ssim_std,lpips_mean,lpips_std,fid_extractor,"
                        + "rfid_mean,rfid_std");
        assertThat(csv.get(1))
                .isEqualTo("vqgan_codebook-size=1024,vqgan,1024,1,1,vq,64,,1024,,0.034,,23.34,,test,10000,,2000,,"
                        + "0.5244,,0.171,,classifier,,");
        assertThat(csv.get(3)).isEqualTo("vqgan-lc_codebook-size=1024,vqgan-lc,1024,1,0,,,,,,,,,,,,,,,,,,,,,");
        assertThat(csv).hasSize(5);
    }

    @Test
    void tableMetricsChooseTheColumnsAndAnUnknownOneIsAUserError() throws Exception {
        SweepSpec spec = spec("[0]");
        spec = new SweepSpec(
                spec.name(),
                spec.base(),
                spec.dir(),
                spec.seeds(),
                spec.axes(),
                spec.excludes(),
                spec.extraCells(),
                spec.overrides(),
                spec.displayNames(),
                List.of("utilization", "perplexity", "rfid", "psnr"),
                spec.slurm(),
                spec.downstream());
        metrics("vqgan_codebook-size=1024_seed=0", m(1024, 0.034, ", \"perplexity\": 12.34, \"rfid\": 3.5"));
        String table = ResultsTable.render(spec, GroupResult.read(CellExpansion.expand(spec), dir.resolve("sw")));
        assertThat(table)
                .contains("| Method | # Tokens | Codebook Size | Utilization (%) | Perplexity | rFID | PSNR |\n")
                .contains("| VQGAN | 64 | 1,024 | 3.4 | 12.3 | 3.50 | 23.3 |\n")
                .contains("; utilization x100; ");
        assertThat(SweepSpec.load(writeSpec(spec), List.of()).tableMetrics())
                .containsExactly("utilization", "perplexity", "rfid", "psnr");
        assertThatThrownBy(() -> ResultsTable.checkMetrics(List.of("rfid", "fid")))
                .isInstanceOf(UserException.class)
                .hasMessage("sweep.table-metrics: unknown metric 'fid'; known: utilization, perplexity,"
                        + " utilization_last_epoch, utilization_window, rfid, lpips, psnr, ssim, gfid, sit_gfid");
    }

    private Path writeSpec(SweepSpec spec) throws Exception {
        Path f = dir.resolve("rendered.conf");
        Files.writeString(f, spec.render());
        return f;
    }

    @Test
    void severalSeedsGiveMeanAndSampleStd() throws Exception {
        SweepSpec spec = spec("[0, 1, 2]");
        // utilization 0.5, 0.6, 0.7: mean 0.6, sample std 0.1 -> 60.0 ± 10.0 (%)
        double[] util = {0.5, 0.6, 0.7};
        for (int s = 0; s < 3; s++) {
            metrics("vqgan_codebook-size=1024_seed=" + s, m(1024, util[s], ", \"rfid\": " + (4 + 2 * s)));
        }
        metrics("vqgan-lc_codebook-size=1024_seed=1", m(1024, 1.0, ""));
        List<Cell> cells = CellExpansion.expand(spec);
        List<GroupResult> groups = GroupResult.read(cells, dir.resolve("sw"));
        GroupResult.Stat u = groups.get(0).stat("utilization").orElseThrow();
        assertThat(u.n()).isEqualTo(3);
        assertThat(u.mean()).isCloseTo(0.6, Offset.offset(1e-12));
        assertThat(u.std()).isCloseTo(0.1, Offset.offset(1e-12));
        assertThat(groups.get(0).stat("rfid").orElseThrow().std()).isCloseTo(2.0, Offset.offset(1e-12));
        assertThat(groups.get(2).stat("utilization").orElseThrow().std()).isNaN();

        String table = ResultsTable.render(spec, groups);
        assertThat(table).contains("| VQGAN | 64 | 1,024 | 60.0 ± 10.0 | 6.00 ± 2.00 | – | 23.3 ± 0.0 | – |\n");
        assertThat(table).contains("| VQGAN-LC | 64 | 1,024 | 100.0 | – | – | 23.3 | – |\n");
        assertThat(table).contains("(t2, 4 of 12 cells finished)").contains("mean ± std over 1/3 seeds");
        String csv = ResultsCsv.render(spec, groups);
        assertThat(csv.lines().toList().get(1))
                .startsWith("vqgan_codebook-size=1024,vqgan,1024,3,3,vq,64,0,1024,0,0.6,0.1");
    }

    @Test
    void aUtilizationCountSomeCellReportsIsPlottedAgainstTheCodebookSize() throws Exception {
        SweepSpec spec = spec("[0]");
        metrics("vqgan_codebook-size=1024_seed=0", m(1024, 0.5, ", \"utilization_window\": 0.4"));
        metrics("vqgan_codebook-size=100000_seed=0", m(100000, 0.1, ", \"utilization_window\": 0.05"));
        List<Path> written = Aggregation.write(spec, CellExpansion.expand(spec), dir.resolve("sw"));
        assertThat(written)
                .contains(dir.resolve("sw/utilization-window-vs-codebook.png"))
                .doesNotContain(dir.resolve("sw/utilization-last-epoch-vs-codebook.png"));
        assertThat(Files.size(dir.resolve("sw/utilization-window-vs-codebook.png")))
                .isGreaterThan(1000);
    }

    @Test
    void theNotesGiveEveryFinishedCellsWallTime() throws Exception {
        SweepSpec spec = spec("[0, 1]");
        metrics("vqgan_codebook-size=1024_seed=1", m(1024, 0.5, ", \"train_seconds\": 1830, \"eval_seconds\": 171"));
        metrics("vqgan-lc_codebook-size=1024_seed=0", m(1024, 1.0, ", \"train_seconds\": 90"));
        String table = ResultsTable.render(spec, GroupResult.read(CellExpansion.expand(spec), dir.resolve("sw")));
        assertThat(table)
                .contains("Wall time per cell (minutes, as run")
                .contains("| Cell | Training | Evaluation |\n")
                .contains("| vqgan_codebook-size=1024_seed=1 | 30.5 | 2.9 |\n")
                .contains("| vqgan-lc_codebook-size=1024_seed=0 | 1.5 | – |\n")
                .doesNotContain("seed=0 | 30.5");
        metricsOnlyTable(spec);
    }

    /** Without any timing the notes stay out. */
    private void metricsOnlyTable(SweepSpec spec) throws Exception {
        Path other = dir.resolve("sw2");
        Files.createDirectories(other.resolve("vqgan_codebook-size=1024_seed=0"));
        Files.writeString(other.resolve("vqgan_codebook-size=1024_seed=0/metrics.json"), "{\"utilization\": 0.5}");
        assertThat(ResultsTable.render(spec, GroupResult.read(CellExpansion.expand(spec), other)))
                .doesNotContain("Wall time");
    }

    @Test
    void tableCommandRerendersFromTheSweepDirectoryAlone() throws Exception {
        SweepSpec spec = spec("[0]");
        SweepDirectory.writeSpec(spec);
        metrics("vqgan-lc_codebook-size=1024_seed=0", m(1024, 1.0, ""));
        Files.delete(dir.resolve("s.conf"));
        Files.delete(dir.resolve("base.conf"));
        Path moved = dir.resolve("elsewhere");
        Files.move(dir.resolve("sw"), moved);
        int code = Main.execute("table", moved.toString());
        assertThat(code).isEqualTo(0);
        assertThat(Files.readString(moved.resolve("table.md"))).contains("| VQGAN-LC | 64 | 1,024 | 100.0 |");
        assertThat(moved.resolve("utilization-vs-codebook.png")).isRegularFile();
        assertThat(moved.resolve("rfid-vs-codebook.png")).doesNotExist();
    }
}
