package io.github.vqlc.quantizers.lc;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.Values;
import io.github.vqlc.core.io.ArrayLayout;
import io.github.vqlc.core.io.CodebookFiles;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.spi.QuantizerContext;
import io.github.vqlc.core.spi.QuantizerFactory;
import io.github.vqlc.quantizers.common.Sections;
import io.github.vqlc.quantizers.lc.LargeCodebookQuantizer.Init;
import io.github.vqlc.quantizers.lc.LargeCodebookQuantizer.Projector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code quantizer.type = lc}: options (defaults in this module's {@code reference.conf} under
 * {@code quantizer-types.lc}):
 *
 * <ul>
 *   <li>{@code codebook.init} = {@code random} (N(0, 1), default) | {@code uniform} (U(-1/K, 1/K))
 *       | {@code file} (rows of {@code codebook.path});
 *   <li>{@code codebook.path}: a .npy or .safetensors (K, Dc) float matrix, K = {@code
 *       quantizer.codebook-size}, relative paths against the run's base directory; only with
 *       {@code init = file};
 *   <li>{@code codebook.dim}: Dc of a random codebook (default 64; a file sets its own);
 *   <li>{@code codebook.frozen} (default true);
 *   <li>{@code projector} = {@code none} | {@code linear} (default) | {@code mlp}, and
 *       {@code projector-hidden} (MLP width, default 256);
 *   <li>{@code beta}: weight of the term that trains the projector (default 0.33).
 * </ul>
 */
public final class LargeCodebookQuantizerFactory implements QuantizerFactory {

    @Override
    public String type() {
        return "lc";
    }

    @Override
    public String description() {
        return "VQGAN-LC: large (frozen) codebook from file or random, trainable projector none|linear|mlp, straight-through";
    }

    /**
     * For tools that build the model without its data ({@code vqlc summary}): when the section
     * names a codebook file that does not exist yet, the overrides that stand in a random codebook
     * of the same size and {@code codebook.dim} for it, with a line saying so; otherwise empty.
     *
     * @param baseDir where the section's relative paths resolve (the working directory)
     */
    public static Optional<StandIn> standInForMissingCodebook(Config section, Path baseDir) {
        Values v = Sections.of(section);
        String path = v.string("codebook.path").trim();
        if (!v.string("codebook.init").equals("file") || path.isEmpty() || Files.exists(baseDir.resolve(path))) {
            return Optional.empty();
        }
        String note = "codebook file " + path + " not found; counting with a random " + v.intAtLeast("codebook-size", 1)
                + " x " + v.intAtLeast("codebook.dim", 1) + " codebook (quantizer.codebook.dim) in its place";
        return Optional.of(
                new StandIn(List.of("quantizer.codebook.init=random", "quantizer.codebook.path=\"\""), note));
    }

    /** Overrides that replace a missing codebook file, and a note for the user. */
    public record StandIn(List<String> overrides, String note) {}

    @Override
    public Quantizer create(Config section, QuantizerContext context) {
        int k = section.getInt("codebook-size");
        int d = context.embeddingDim();
        String init = Sections.of(section).oneOf("codebook.init", "random", "uniform", "file");
        String path = section.getString("codebook.path").trim();
        Projector projector = Projector.of(Sections.of(section).oneOf("projector", "none", "linear", "mlp"));
        int hidden = Sections.of(section).intIn("projector-hidden", 1, 65536);
        LargeCodebookQuantizer.Builder b = LargeCodebookQuantizer.builder()
                .setCodebookSize(k)
                .setEmbeddingDim(d)
                .optFrozen(section.getBoolean("codebook.frozen"))
                .optProjector(projector, hidden)
                .optBeta((float) Sections.of(section).doubleIn("beta", 0, 100))
                .optSearch(Sections.search(section));
        int codeDim;
        if (init.equals("file")) {
            if (path.isEmpty()) {
                throw new UserException(
                        "quantizer.codebook.init = file needs quantizer.codebook.path: a .npy or .safetensors"
                                + " (K, Dc) matrix with K = quantizer.codebook-size = " + k);
            }
            Path file = context.baseDir().resolve(path);
            CodebookFiles.Info info = CodebookFiles.inspect(file); // header only: format, rank, dtype, size
            if (info.rows() != k) {
                throw new UserException("codebook file " + file + " holds a " + ArrayLayout.shapeText(info.shape())
                        + " matrix but quantizer.codebook-size = " + k + ": expected (" + k + ", Dc)");
            }
            codeDim = Math.toIntExact(info.columns());
            b.optCodebookFile(file);
        } else {
            if (!path.isEmpty()) {
                throw new UserException("quantizer.codebook.path = '" + path + "' is set but quantizer.codebook.init = "
                        + init + "; set codebook.init = file to use the file, or remove the path");
            }
            codeDim = Sections.of(section).intIn("codebook.dim", 1, 65536);
            b.optRandomCodebook(init.equals("random") ? Init.NORMAL : Init.UNIFORM, codeDim);
        }
        if (projector == Projector.NONE && codeDim != d) {
            throw new UserException("quantizer.projector = none uses the codebook as is, so its width Dc = " + codeDim
                    + (init.equals("file") ? " (from " + path + ")" : " (quantizer.codebook.dim)")
                    + " must equal model.embed-dim = " + d + "; use projector = linear or mlp, or a codebook of width "
                    + d);
        }
        return Sections.withGradient(b.build(), section);
    }
}
