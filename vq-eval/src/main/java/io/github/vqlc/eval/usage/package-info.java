/** Code-usage plots. */
package io.github.vqlc.eval.usage;
