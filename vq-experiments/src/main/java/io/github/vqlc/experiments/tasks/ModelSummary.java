package io.github.vqlc.experiments.tasks;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.gan.PatchDiscriminator;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code vqlc summary}: the configured networks built (not trained), each component with its
 * parameter count split into trainable and frozen (a VQGAN-LC codebook is frozen), and the token
 * grid. Buffers that never get gradient (BatchNorm running statistics, an EMA codebook) count as
 * frozen.
 */
public final class ModelSummary {

    /** One line of the table. */
    public record Row(String component, long trainable, long frozen) {
        public long total() {
            return trainable + frozen;
        }
    }

    private final List<Row> rows;
    private final String header;

    private ModelSummary(String header, List<Row> rows) {
        this.header = header;
        this.rows = rows;
    }

    /** Builds the model (and the discriminator when loss.gan is on) of {@code config}. */
    public static ModelSummary of(ExperimentConfig config) {
        Injector injector = ExperimentModule.injector(config);
        VqAutoencoder model = injector.getInstance(VqAutoencoder.class);
        List<Row> rows = new ArrayList<>();
        for (var child : model.getChildren()) {
            String name = child.getKey().replaceFirst("^\\d+", "");
            if (name.equals("quantizer")) {
                name = "quantizer (" + config.quantizer().type() + ", K="
                        + config.quantizer().codebookSize() + ")";
            }
            rows.add(count(name, child.getValue()));
        }
        Optional<PatchDiscriminator> d =
                injector.getInstance(Key.get(new TypeLiteral<Optional<PatchDiscriminator>>() {}));
        d.ifPresent(disc -> rows.add(count("discriminator", disc)));
        int side = model.imageSize() / config.model().downsampleFactor();
        String header = String.format(
                Locale.ROOT,
                "image %dx%dx%d -> tokens %dx%d = %d per image (f%d)%s",
                model.imageSize(),
                model.imageSize(),
                model.channels(),
                side,
                side,
                side * side,
                config.model().downsampleFactor(),
                d.isPresent() ? "" : "; discriminator off (loss.gan.weight = 0)");
        return new ModelSummary(header, rows);
    }

    private static Row count(String name, Block block) {
        long trainable = 0;
        long frozen = 0;
        for (Parameter p : block.getParameters().values()) {
            long n = p.getArray().size();
            if (p.requiresGradient()) {
                trainable += n;
            } else {
                frozen += n;
            }
        }
        return new Row(name, trainable, frozen);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Sum over all components. */
    public long total() {
        return rows.stream().mapToLong(Row::total).sum();
    }

    /** The printed table; its last line is {@code total parameters <N>}. */
    public String render() {
        StringBuilder sb = new StringBuilder(header).append('\n');
        int width = Math.max(
                16, rows.stream().mapToInt(r -> r.component().length()).max().orElse(0));
        String fmt = "%-" + width + "s %15s %15s %15s%n";
        sb.append(String.format(Locale.ROOT, fmt, "component", "parameters", "trainable", "frozen"));
        long trainable = 0;
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT, fmt, r.component(), grouped(r.total()), grouped(r.trainable()), grouped(r.frozen())));
            trainable += r.trainable();
        }
        sb.append(String.format(
                Locale.ROOT, fmt, "all", grouped(total()), grouped(trainable), grouped(total() - trainable)));
        sb.append("total parameters ").append(total());
        return sb.toString();
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
