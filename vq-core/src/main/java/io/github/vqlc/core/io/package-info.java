/** Files on disk: atomic writes, JSON lines, tensor files (.npy / .safetensors). */
package io.github.vqlc.core.io;
