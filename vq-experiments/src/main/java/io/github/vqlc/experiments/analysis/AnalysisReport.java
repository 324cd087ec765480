package io.github.vqlc.experiments.analysis;

import io.github.vqlc.core.data.Split;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.eval.analysis.Bin;
import io.github.vqlc.eval.analysis.ClassUsage;
import io.github.vqlc.eval.analysis.Rarefaction;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** analysis.json (every figure) and analysis.md (the same as tables, ending with the verdict). */
final class AnalysisReport {

    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();
    private final List<String> notes = new ArrayList<>();
    private final int codebookSize;

    AnalysisReport(String run, String quantizer, int codebookSize, Split split) {
        this.codebookSize = codebookSize;
        json.put("run", run);
        json.put("quantizer", quantizer);
        json.put("codebook_size", codebookSize);
        json.put("split", split.label());
        md.append("# Code usage of ").append(run).append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Quantizer `%s`, %,d codes, counted over the %s split by the final model (`vqlc analyze`;"
                        + " definitions in docs/analysis.md).%n%n",
                quantizer,
                codebookSize,
                split.label()));
    }

    List<String> notes() {
        return notes;
    }

    Map<String, Object> json() {
        return json;
    }

    void counting(int images, long tokens, int used, double chao1, List<Rarefaction.Point> curve) {
        json.put("images", images);
        json.put("tokens", tokens);
        json.put("used_codes", used);
        json.put("utilization", (double) used / codebookSize);
        json.put("chao1", chao1);
        json.put("chao1_utilization", chao1 / codebookSize);
        json.put("last_doubling_gain", Rarefaction.lastDoublingGain(curve));
        List<Map<String, Object>> points = new ArrayList<>();
        for (Rarefaction.Point p : curve) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("images", p.images());
            m.put("tokens", p.tokens());
            m.put("used", p.used());
            m.put("utilization", p.utilization());
            points.add(m);
        }
        json.put("rarefaction", points);
        md.append("## Rarefaction\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%,d of %,d codes used over %,d images (%,d tokens): %.2f%%. Chao1 estimate of the codes this"
                        + " model reaches: %,.0f (%.2f%%).%n%n",
                used,
                codebookSize,
                images,
                tokens,
                100.0 * used / codebookSize,
                chao1,
                100 * chao1 / codebookSize));
        md.append("| images counted | codes used | utilization (%) |\n| --- | --- | --- |\n");
        for (Rarefaction.Point p : curve) {
            md.append(
                    String.format(Locale.ROOT, "| %,d | %,d | %.2f |%n", p.images(), p.used(), 100 * p.utilization()));
        }
        md.append("\n![rarefaction](analysis-rarefaction.png)\n\n");
    }

    void deadCodes(List<Bin> clusterBins, List<Bin> blockBins, List<Bin> normBins) {
        json.put("dead_by_cluster_size", bins(clusterBins));
        json.put("dead_by_class_block", bins(blockBins));
        json.put("dead_by_norm_decile", bins(normBins));
        md.append("## Where the dead codes are\n\n");
        if (!clusterBins.isEmpty()) {
            table("k-means cluster size (training vectors behind the code)", clusterBins);
        }
        if (!blockBins.isEmpty()) {
            table("class block of the per-class codebook", blockBins);
        }
        table("norm of the code in the latent space (deciles, lowest first)", normBins);
        md.append("![dead codes](analysis-dead-codes.png)\n\n");
    }

    void coverage(
            Map<String, Double> latentToCode,
            Map<String, Double> usedToLatent,
            Map<String, Double> deadToLatent,
            Map<String, Double> codeToCode,
            int latents) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("latents_sampled", latents);
        c.put("latent_to_nearest_code", latentToCode);
        c.put("used_code_to_nearest_latent", usedToLatent);
        c.put("dead_code_to_nearest_latent", deadToLatent);
        c.put("code_to_nearest_other_code", codeToCode);
        json.put("coverage", c);
        md.append("## Coverage\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Euclidean distances in the latent space, over %,d sampled encoder outputs.%n%n",
                latents));
        md.append("| distance | min | p10 | p50 | p90 | max |\n| --- | --- | --- | --- | --- | --- |\n");
        quantileRow("latent to its nearest code", latentToCode);
        quantileRow("used code to its nearest latent", usedToLatent);
        quantileRow("dead code to its nearest latent", deadToLatent);
        quantileRow("code to its nearest other code", codeToCode);
        md.append("\n![coverage](analysis-coverage.png)\n\n");
    }

    void classes(ClassUsage usage, int classes) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("used_per_class", usage.usedPerClass());
        c.put("shared_codes", usage.shared());
        c.put("exclusive_codes", usage.exclusive());
        if (usage.ownBlockShare().length > 0) {
            c.put("own_block_token_share", usage.ownBlockShare());
        }
        json.put("classes", c);
        md.append("## Usage by class\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%,d codes are used by two or more classes, %,d by exactly one.%n%n",
                usage.shared(),
                usage.exclusive()));
        boolean own = usage.ownBlockShare().length > 0;
        md.append(
                own
                        ? "| class | codes used | tokens in own block (%) |\n| --- | --- | --- |\n"
                        : "| class | codes used |\n| --- | --- |\n");
        for (int i = 0; i < classes; i++) {
            md.append(
                    own
                            ? String.format(
                                    Locale.ROOT,
                                    "| %d | %,d | %.1f |%n",
                                    i,
                                    usage.usedPerClass()[i],
                                    100 * usage.ownBlockShare()[i])
                            : String.format(Locale.ROOT, "| %d | %,d |%n", i, usage.usedPerClass()[i]));
        }
        md.append("\n");
    }

    void verdict(List<String> findings) {
        json.put("notes", notes);
        json.put("verdict", findings);
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append("\n"));
            md.append("\n");
        }
        md.append("## Verdict\n\n");
        for (int i = 0; i < findings.size() - 1; i++) {
            md.append("- ").append(findings.get(i)).append("\n");
        }
        md.append("\n").append(findings.get(findings.size() - 1)).append("\n");
    }

    void write(Path dir, PrintStream out) {
        JsonLines.writeJson(dir.resolve("analysis.json"), json);
        AtomicFiles.writeString(dir.resolve("analysis.md"), md.toString());
        out.println("wrote " + dir.resolve("analysis.md") + ", analysis.json and analysis-*.png");
        @SuppressWarnings("unchecked")
        List<String> verdict = (List<String>) json.get("verdict");
        out.println(verdict.get(verdict.size() - 1));
    }

    private void table(String title, List<Bin> bins) {
        md.append("By ").append(title).append(":\n\n");
        md.append("| bin | codes | dead | dead (%) |\n| --- | --- | --- | --- |\n");
        for (Bin b : bins) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,d | %.1f |%n",
                    b.label(),
                    b.codes(),
                    b.dead(),
                    100 * b.deadFraction()));
        }
        md.append("\n");
    }

    private void quantileRow(String what, Map<String, Double> q) {
        if (q.isEmpty()) {
            md.append("| ").append(what).append(" | – | – | – | – | – |\n");
            return;
        }
        md.append(String.format(
                Locale.ROOT,
                "| %s | %.3g | %.3g | %.3g | %.3g | %.3g |%n",
                what,
                q.get("min"),
                q.get("p10"),
                q.get("p50"),
                q.get("p90"),
                q.get("max")));
    }

    private static List<Map<String, Object>> bins(List<Bin> bins) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Bin b : bins) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bin", b.label());
            m.put("codes", b.codes());
            m.put("dead", b.dead());
            m.put("dead_fraction", b.deadFraction());
            out.add(m);
        }
        return out;
    }
}
