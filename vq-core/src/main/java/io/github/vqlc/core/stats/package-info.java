/** Code-usage statistics: how many times each codebook entry was chosen, and the summaries derived from it. */
package io.github.vqlc.core.stats;
