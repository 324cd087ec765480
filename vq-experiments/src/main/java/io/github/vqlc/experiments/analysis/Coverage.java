package io.github.vqlc.experiments.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.search.SearchResult;

/**
 * Euclidean distances in the latent space between the codes (as the decoder sees them) and a
 * sample of encoder outputs: each latent to its nearest code, each code to its nearest latent, and
 * each code to its nearest other code. All three are tiled nearest-neighbour searches, never a
 * (latents x codes) matrix.
 */
record Coverage(float[] latentToCode, float[] codeToLatent, float[] codeToCode) {

    static Coverage of(NDManager manager, float[] latents, float[] codes, int dim) {
        NearestCodeSearch search = NearestCodeSearch.create();
        try (NDManager m = manager.newSubManager()) {
            NDArray l = m.create(latents, new Shape(latents.length / dim, dim));
            NDArray c = m.create(codes, new Shape(codes.length / dim, dim));
            NDArray cNorms = NearestCodeSearch.codeSqNorms(c);
            float[] latentToCode;
            float[] codeToLatent;
            float[] codeToCode;
            try (SearchResult r = search.search(l, c, cNorms)) {
                latentToCode = sqrt(r.distances().toFloatArray());
            }
            try (SearchResult r = search.search(c, l)) {
                codeToLatent = sqrt(r.distances().toFloatArray());
            }
            try (SearchResult r = search.searchExcludingSelf(c, c, cNorms, 0)) {
                codeToCode = sqrt(r.distances().toFloatArray());
            }
            return new Coverage(latentToCode, codeToLatent, codeToCode);
        }
    }

    private static float[] sqrt(float[] squared) {
        float[] out = new float[squared.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.sqrt(Math.max(0f, squared[i]));
        }
        return out;
    }
}
