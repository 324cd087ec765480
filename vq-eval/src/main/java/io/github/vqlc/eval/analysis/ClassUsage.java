package io.github.vqlc.eval.analysis;

import java.util.List;

/**
 * Codes by class: how many distinct codes each class's images use, how many codes several classes
 * share, and for a per-class codebook the share of each class's tokens that land in its own block.
 *
 * @param usedPerClass distinct codes used by each class, by class index
 * @param shared codes used by two or more classes
 * @param exclusive codes used by exactly one class
 * @param ownBlockShare per class, tokens in the class's own codebook block / its tokens (empty
 *     without blocks)
 */
public record ClassUsage(int[] usedPerClass, int shared, int exclusive, double[] ownBlockShare) {

    /**
     * @param codes tokens image after image
     * @param labels class of each image
     * @param blocks the codebook's class blocks in class-index order, or an empty list
     */
    public static ClassUsage of(
            long[] codes,
            int[] labels,
            int tokensPerImage,
            int codebookSize,
            int classes,
            List<DeadCodes.Block> blocks) {
        boolean[][] used = new boolean[classes][codebookSize];
        long[] tokens = new long[classes];
        long[] own = new long[classes];
        boolean withBlocks = blocks.size() == classes;
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            for (int t = 0; t < tokensPerImage; t++) {
                int code = (int) codes[i * tokensPerImage + t];
                used[c][code] = true;
                tokens[c]++;
                if (withBlocks) {
                    DeadCodes.Block b = blocks.get(c);
                    own[c] += code >= b.firstRow() && code < b.firstRow() + b.rows() ? 1 : 0;
                }
            }
        }
        int[] perClass = new int[classes];
        int shared = 0;
        int exclusive = 0;
        for (int k = 0; k < codebookSize; k++) {
            int users = 0;
            for (int c = 0; c < classes; c++) {
                if (used[c][k]) {
                    users++;
                    perClass[c]++;
                }
            }
            shared += users >= 2 ? 1 : 0;
            exclusive += users == 1 ? 1 : 0;
        }
        double[] ownShare = new double[withBlocks ? classes : 0];
        for (int c = 0; c < ownShare.length; c++) {
            ownShare[c] = tokens[c] == 0 ? 0 : (double) own[c] / tokens[c];
        }
        return new ClassUsage(perClass, shared, exclusive, ownShare);
    }
}
