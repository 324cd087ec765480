package io.github.vqlc.experiments.sweep.report;

import com.google.gson.JsonObject;
import io.github.vqlc.experiments.sweep.spec.SweepSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code results.csv}: one row per group with every axis value, the seed counts, and every metric
 * found in the cells' metrics.json: numbers as {@code <metric>_mean} and {@code <metric>_std}
 * (sample standard deviation over seeds, empty below two; 12 significant digits), text as the distinct
 * values joined by ';'.
 */
public final class ResultsCsv {

    private ResultsCsv() {}

    public static String render(SweepSpec spec, List<GroupResult> groups) {
        List<String> keys = metricKeys(groups);
        List<String> header = new ArrayList<>(List.of("group"));
        spec.axes().forEach(a -> header.add(a.id()));
        header.add("seeds");
        header.add("finished");
        List<Boolean> numeric = new ArrayList<>();
        for (String k : keys) {
            boolean isNumber = groups.stream().anyMatch(g -> g.stat(k).isPresent());
            numeric.add(isNumber);
            if (isNumber) {
                header.add(k + "_mean");
                header.add(k + "_std");
            } else {
                header.add(k);
            }
        }
        StringBuilder out = new StringBuilder(line(header));
        for (GroupResult g : groups) {
            List<String> row = new ArrayList<>(List.of(g.group()));
            spec.axes().forEach(a -> row.add(g.value(a.id()).orElse("")));
            row.add(Integer.toString(g.cells().size()));
            row.add(Integer.toString(g.metrics().size()));
            for (int i = 0; i < keys.size(); i++) {
                String k = keys.get(i);
                if (numeric.get(i)) {
                    var s = g.stat(k);
                    row.add(s.map(x -> number(x.mean())).orElse(""));
                    row.add(s.filter(x -> !Double.isNaN(x.std()))
                            .map(x -> number(x.std()))
                            .orElse(""));
                } else {
                    row.add(String.join(";", g.texts(k)));
                }
            }
            out.append(line(row));
        }
        return out.toString();
    }

    /** Every key of every metrics.json, in order of first appearance ({@code run}, the cell name, left out). */
    static List<String> metricKeys(List<GroupResult> groups) {
        Set<String> keys = new LinkedHashSet<>();
        for (GroupResult g : groups) {
            for (JsonObject m : g.metrics()) {
                keys.addAll(m.keySet());
            }
        }
        keys.remove("run");
        return new ArrayList<>(keys);
    }

    /** 12 significant digits (hides floating-point noise such as 0.09999999999999998), no exponent, no trailing zeros. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new BigDecimal(v).round(new MathContext(12)).stripTrailingZeros().toPlainString();
    }

    private static String line(List<String> fields) {
        List<String> quoted = new ArrayList<>();
        for (String f : fields) {
            quoted.add(
                    f.contains(",") || f.contains("\"") || f.contains("\n")
                            ? "\"" + f.replace("\"", "\"\"") + "\""
                            : f);
        }
        return String.join(",", quoted) + "\n";
    }
}
