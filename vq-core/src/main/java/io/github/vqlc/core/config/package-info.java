/**
 * Configuration plumbing shared by every module. HOCON is read once ({@link
 * io.github.vqlc.core.config.ConfigLoader}): the {@code reference.conf} defaults of every module,
 * then the user's file, then {@code -o key=value} overrides; unknown keys, unknown types of {@link
 * io.github.vqlc.core.config.TypedSection typed sections} and out-of-range values ({@link
 * io.github.vqlc.core.config.Values}) are user errors naming the key and its origin.
 *
 * <p>The settings themselves are owned where they are used: each package that reads a section
 * ships its typed record, its {@code reference.conf} section and its validation next to its code
 * ({@code core.data.DataConfig}, {@code models.train.TrainConfig}, {@code eval.EvalConfig}, ...);
 * the application composes them. Relative paths in any config mean paths relative to the working
 * directory ({@link io.github.vqlc.core.config.Values#path}).
 */
package io.github.vqlc.core.config;
