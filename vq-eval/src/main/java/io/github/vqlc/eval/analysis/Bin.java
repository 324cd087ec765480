package io.github.vqlc.eval.analysis;

/** A group of codes (a cluster-size range, a class block, a norm decile) and how many of them are dead. */
public record Bin(String label, int codes, int dead) {

    /** Dead codes / codes (0 for an empty bin). */
    public double deadFraction() {
        return codes == 0 ? 0 : (double) dead / codes;
    }
}
