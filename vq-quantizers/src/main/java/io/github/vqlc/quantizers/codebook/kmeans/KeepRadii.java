package io.github.vqlc.quantizers.codebook.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.search.NearestCodeSearch;
import io.github.vqlc.core.search.SearchResult;

/**
 * Per centre c, a squared radius r^2(c) such that every point x with {@code ||x - c||^2 < r^2(c)}
 * has c as its strictly nearest centre, so a Lloyd iteration need not search for it (the test of
 * Hamerly's and Elkan's accelerated k-means, without their per-point bounds).
 *
 * <p>Why: with s(c) the distance from c to its nearest other centre, the triangle inequality gives
 * {@code ||x - c'|| >= s(c) - ||x - c|| > ||x - c||} for every other centre c' when {@code ||x - c||
 * < s(c) / 2}. So r^2(c) is s(c)^2 / 4, made conservative for float32 rounding: s(c)^2 comes from
 * the search's expansion {@code ||c||^2 - 2 c.c' + ||c'||^2}, whose error is below {@code 1e-5
 * (||c||^2 + ||c'||^2)} at any width the search handles, and the caller's {@code ||x - c||^2} from
 * exact differences (relative error about D x 6e-8). The margin taken is 1e-4 of both norms plus
 * 1e-4 relative, the norms taken after moving the centres' mean to the origin (distances do not
 * change); r^2 is 0 (nothing kept) where the margin eats the gap.
 *
 * <p>Cost: one nearest-other-centre search of the K centres ({@link
 * NearestCodeSearch#searchExcludingSelf}, tiled, split over the search threads), about K/N of one
 * assignment pass over N points.
 */
final class KeepRadii {

    private static final float ABSOLUTE_MARGIN = 1e-4f;
    private static final float RELATIVE_MARGIN = 1e-4f;

    private KeepRadii() {}

    /**
     * @param centres (K, D) float32, K &ge; 1
     * @param search the search that finds each centre's nearest other centre
     * @return (K) float32 r^2, in {@code centres}' manager (Float.MAX_VALUE when K = 1)
     */
    static NDArray squared(NDArray centres, SplitSearch search) {
        NDManager owner = centres.getManager();
        long k = centres.getShape().get(0);
        if (k == 1) { // no other centre: every point keeps the only one
            return owner.full(new Shape(1), Float.MAX_VALUE);
        }
        try (NDManager scope = owner.newSubManager()) {
            NDArray detached = centres.stopGradient();
            detached.attach(scope);
            // distances do not change under translation; centred norms keep the rounding margin small
            NDArray c = detached.sub(detached.mean(new int[] {0}, true));
            NDArray norms = NearestCodeSearch.codeSqNorms(c);
            SearchResult nearest = search.searchOthers(c, norms);
            nearest.indices().attach(scope);
            nearest.distances().attach(scope);
            NDArray margin = norms.add(norms.max()).muli(ABSOLUTE_MARGIN);
            NDArray radii = nearest.distances()
                    .sub(margin)
                    .muli((1f - RELATIVE_MARGIN) / 4f)
                    .clip(0f, Float.MAX_VALUE);
            radii.attach(owner);
            return radii;
        }
    }
}
