/** Typed reads of a quantizer's config section shared by vqlc's quantizers. */
package io.github.vqlc.quantizers.common;
