/**
 * Pieces vqlc's quantizers share: typed reads of a config section, mixed-radix indices of implicit
 * codebooks, the sign quantizers' base and their chunked entropy terms.
 */
package io.github.vqlc.quantizers.common;
