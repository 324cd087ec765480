/** The {@code vqlc} command line (picocli): train, eval, sweep, table, quantizers, bench, version. User errors print one line and exit 2. */
package io.github.vqlc.experiments.cli;
