/**
 * The {@code vqlc} command line (picocli): one class per command, each parsing arguments and
 * calling a task of {@code experiments.tasks} (or another package); other jars add commands through
 * {@link io.github.vqlc.experiments.cli.CommandExtension}. A user error prints one line and exits
 * 2; an unknown command too. The only package that reads system properties and the environment.
 */
package io.github.vqlc.experiments.cli;
