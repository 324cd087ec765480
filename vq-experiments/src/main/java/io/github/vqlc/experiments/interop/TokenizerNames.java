package io.github.vqlc.experiments.interop;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.vqlc.core.UserException;
import io.github.vqlc.models.vqgan.ModelConfig;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer's parameters under an external naming, in the order the model holds them: the
 * encoder and decoder by {@link TamingLayout}, {@code quant_conv} and {@code post_quant_conv}, and
 * the quantizer by its own parameter paths ({@code codebook}, {@code projector.weight}, {@code
 * projector.0.weight}, ...) renamed for the naming: taming's {@code quantize.embedding.weight} (and
 * {@code cluster_size}, {@code embed_avg} for EMA), VQGAN-LC's {@code tok_embeddings.weight} and
 * {@code codebook_projection.*}, or {@code quantize.<path>} in vqlc's naming.
 */
final class TokenizerNames {

    /**
     * One parameter: its external name, the parameter, and the shape it has outside (GroupNorm's
     * (1, C, 1, 1) scale and shift are (C) in PyTorch; everything else keeps its shape).
     */
    record Entry(String name, Parameter parameter, Shape externalShape) {}

    private static final Map<String, String> TAMING_QUANTIZER = Map.of(
            "codebook", "quantize.embedding.weight",
            "cluster_size", "quantize.embedding.cluster_size",
            "embed_sum", "quantize.embedding.embed_avg");

    private TokenizerNames() {}

    /** Every parameter of {@code model} (built from {@code m} for {@code imageSize} images), named. */
    static List<Entry> of(VqAutoencoder model, ModelConfig m, int imageSize, WeightNaming naming) {
        String type = model.quantizer().type();
        boolean supported = switch (naming) {
            case TAMING -> type.equals("vq") || type.equals("ema");
            case VQGAN_LC -> type.equals("lc");
            case VQLC -> true;
        };
        if (!supported) {
            throw new UserException("the " + naming.optionName() + " naming has no names for a '" + type
                    + "' quantizer (taming: vq, ema; vqgan-lc: lc); use --naming vqlc");
        }
        List<String> names = new ArrayList<>(TamingLayout.encoder(m, imageSize));
        names.add("quant_conv.weight");
        names.add("quant_conv.bias");
        for (String path : parameterPaths(model.quantizer(), "")) {
            names.add(quantizerName(naming, path));
        }
        names.add("post_quant_conv.weight");
        names.add("post_quant_conv.bias");
        names.addAll(TamingLayout.decoder(m, imageSize));
        List<Parameter> parameters = model.getParameters().values();
        if (parameters.size() != names.size()) { // the layout and the model's build have drifted apart
            throw new IllegalStateException("the model holds " + parameters.size() + " parameters but the "
                    + naming.optionName() + " layout names " + names.size());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Parameter p = parameters.get(i);
            entries.add(new Entry(names.get(i), p, external(p.getArray().getShape())));
        }
        return entries;
    }

    private static String quantizerName(WeightNaming naming, String path) {
        return switch (naming) {
            case TAMING -> {
                String name = TAMING_QUANTIZER.get(path);
                if (name == null) {
                    throw new UserException("the taming naming has no name for the quantizer parameter '" + path
                            + "'; use --naming vqlc");
                }
                yield name;
            }
            case VQGAN_LC -> {
                if (path.equals("codebook")) {
                    yield "tok_embeddings.weight";
                }
                if (path.startsWith("projector.")) {
                    yield "codebook_projection." + path.substring("projector.".length());
                }
                throw new UserException("the vqgan-lc naming has no name for the quantizer parameter '" + path
                        + "'; use --naming vqlc");
            }
            case VQLC -> "quantize." + path;
        };
    }

    /**
     * Dotted paths of a block's parameters in its order (own parameters, then the children's): a
     * named child keeps its name ({@code projector}), a child of a sequence is its 0-based index as
     * in a PyTorch {@code nn.Sequential} ({@code projector.0}).
     */
    static List<String> parameterPaths(Block block, String prefix) {
        List<String> paths = new ArrayList<>();
        for (Parameter p : block.getDirectParameters().values()) {
            paths.add(prefix + p.getName());
        }
        int index = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            String key = child.getKey().replaceFirst("^[0-9]+", "");
            String segment = key.equals(child.getValue().getClass().getSimpleName()) ? String.valueOf(index) : key;
            paths.addAll(parameterPaths(child.getValue(), prefix + segment + "."));
            index++;
        }
        return paths;
    }

    /**
     * The PatchGAN discriminator's parameters under a naming: its layers hold taming's {@code
     * NLayerDiscriminator} sequence (conv, LeakyReLU, conv, BatchNorm, ...), so the indices carry
     * over: {@code loss.discriminator.main.{k}} (taming), {@code discriminator.main.{k}}
     * (VQGAN-LC) or {@code discriminator.main.{k}} (vqlc); BatchNorm's gamma, beta and running
     * statistics are {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}.
     */
    static List<Entry> discriminator(Block discriminator, WeightNaming naming) {
        String prefix = naming == WeightNaming.TAMING ? "loss.discriminator.main." : "discriminator.main.";
        List<String> paths = parameterPaths(discriminator, "");
        List<Parameter> parameters = discriminator.getParameters().values();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i).replaceFirst("^layers\\.", "");
            String name = prefix
                    + path.replaceFirst("\\.gamma$", ".weight")
                            .replaceFirst("\\.beta$", ".bias")
                            .replaceFirst("\\.runningMean$", ".running_mean")
                            .replaceFirst("\\.runningVar$", ".running_var");
            Parameter p = parameters.get(i);
            entries.add(new Entry(name, p, p.getArray().getShape()));
        }
        return entries;
    }

    /** GroupNorm's (1, C, 1, 1) parameters are (C) outside; other shapes are the same. */
    static Shape external(Shape ours) {
        if (ours.dimension() == 4 && ours.get(0) == 1 && ours.get(2) == 1 && ours.get(3) == 1) {
            return new Shape(ours.get(1));
        }
        return ours;
    }
}
