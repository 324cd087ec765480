package io.github.vqlc.core.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a quantizer returns for one batch.
 *
 * @param quantized (B, D, H, W), straight-through: forward value = codes, gradient flows to z
 * @param indices (B, H, W) int64 code indices, (B, H, W, G) when the quantizer emits G per position
 * @param losses named scalar loss terms, each already multiplied by its weight (e.g.
 *     {@code codebook}, {@code commitment}); their sum is the quantizer loss
 */
public record QuantizerOutput(NDArray quantized, NDArray indices, Map<String, NDArray> losses) {

    public QuantizerOutput {
        losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
    }

    /** Sum of all loss terms (a scalar), or a zero scalar when there is none. */
    public NDArray loss() {
        NDArray total = null;
        for (NDArray term : losses.values()) {
            total = total == null ? term : total.add(term);
        }
        return total != null ? total : quantized.getManager().zeros(new Shape());
    }
}
