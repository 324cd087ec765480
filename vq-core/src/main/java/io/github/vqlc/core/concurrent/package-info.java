/** Helpers for the few places that hand work to thread pools (batch loading, the split search). */
package io.github.vqlc.core.concurrent;
