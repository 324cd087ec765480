package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.UserException;
import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code bin/vqlc}. */
@Command(
        name = "vqlc",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = {
            "Vector-quantized image tokenizers (VQGAN, VQGAN-EMA, VQGAN-FC, VQGAN-LC) on DJL.",
            "Train from HOCON configs, run ablation sweeps (locally or as Slurm arrays), render result tables,",
            "evaluate runs, summarize models, train feature networks, tokenize splits, train a token GPT and",
            "generate images, list quantizers, benchmark kernels."
        },
        subcommands = {
            TrainCommand.class,
            EvalCommand.class,
            SummaryCommand.class,
            SweepCommand.class,
            TableCommand.class,
            FeaturesCommand.class,
            CodebookCommand.class,
            TokenizeCommand.class,
            GptCommand.class,
            GenerateCommand.class,
            QuantizersCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 success, 1 internal error, 2 user error (bad config, missing data, ...).",
            "Docs: README.md, docs/."
        })
public final class Main implements Runnable {

    /** Exit code for problems the user can fix. */
    public static final int USER_ERROR = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        for (CommandExtension extension : ServiceLoader.load(CommandExtension.class)) {
            cli.addSubcommand(extension.command());
        }
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("vqlc: " + ex.getMessage());
            err.println("(see: vqlc " + ex.getCommandLine().getCommandName() + " --help)");
            return USER_ERROR;
        });
        return cli.execute(args);
    }

    private static int handle(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        boolean verbose = parseResult.hasMatchedOption("--verbose")
                || (parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--verbose"));
        PrintWriter err = cmd.getErr();
        UserException user = findUserError(ex);
        if (user != null) {
            err.println("vqlc: error: " + user.getMessage());
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return USER_ERROR;
        }
        err.println("vqlc: internal error: " + ex + (verbose ? "" : " (rerun with --verbose for the stack trace)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** The user error behind {@code t}, if any (Guice's ProvisionException carries it as its cause). */
    private static UserException findUserError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserException u) {
                return u;
            }
        }
        return null;
    }
}
