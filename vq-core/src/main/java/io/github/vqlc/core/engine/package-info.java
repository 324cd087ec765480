/**
 * The engine boundary: {@link io.github.vqlc.core.engine.TorchOps} is the only code that calls
 * DJL's PyTorch engine directly, one method per gap in DJL's engine-neutral API. Everything else
 * uses {@code ai.djl.ndarray} and {@code ai.djl.nn} only.
 */
package io.github.vqlc.core.engine;
