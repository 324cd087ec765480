/**
 * The framework's foundation: extension points ({@code spi}), typed configuration ({@code config}),
 * datasets ({@code data}), the shared nearest-code search ({@code search}), code-usage statistics
 * ({@code stats}) and tensor/file IO ({@code io}). Nothing here knows about concrete quantizers or
 * models.
 */
package io.github.vqlc.core;
