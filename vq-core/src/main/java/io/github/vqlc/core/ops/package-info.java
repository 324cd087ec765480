/**
 * Small tensor operations that DJL lacks or gets wrong under autograd, shared by quantizers and
 * models. See docs/djl-pitfalls.md.
 */
package io.github.vqlc.core.ops;
