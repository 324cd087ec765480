package io.github.vqlc.experiments.cli;

/**
 * A subcommand that another jar adds to {@code vqlc}: list the implementation in {@code
 * META-INF/services/io.github.vqlc.experiments.cli.CommandExtension} and put the jar on the class
 * path (vq-bench adds {@code vqlc bench} this way, so the CLI does not depend on the benchmarks).
 */
public interface CommandExtension {

    /** A new instance of a picocli {@code @Command} class, added under its own name. */
    Object command();
}
