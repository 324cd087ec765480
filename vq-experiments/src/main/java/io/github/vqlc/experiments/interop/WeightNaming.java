package io.github.vqlc.experiments.interop;

import io.github.vqlc.core.UserException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Whose state-dict names an exported or imported tokenizer file uses. */
public enum WeightNaming {
    /** taming-transformers' {@code VQModel}: vector quantizer ({@code vq}) or its EMA variant ({@code ema}). */
    TAMING,
    /** The VQGAN-LC authors' {@code VQModel}: the {@code lc} quantizer (frozen codebook + projector). */
    VQGAN_LC,
    /** taming's encoder/decoder names and the quantizer's own parameter paths: every quantizer type. */
    VQLC;

    /** The option spelling: taming, vqgan-lc, vqlc. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Reads an option value, or a user error listing the namings. */
    public static WeightNaming parse(String text) {
        for (WeightNaming n : values()) {
            if (n.optionName().equals(text)) {
                return n;
            }
        }
        throw new UserException("unknown naming '" + text + "'; expected one of: "
                + Arrays.stream(values()).map(WeightNaming::optionName).collect(Collectors.joining(", ")));
    }
}
