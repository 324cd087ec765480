package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.IoErrors;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code bin/vqlc}. */
@Command(
        name = "vqlc",
        header = "Vector-quantized image tokenizers (VQGAN, VQGAN-EMA, VQGAN-FC, VQGAN-LC) on DJL.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Train tokenizers from HOCON configs, evaluate them, run ablation sweeps (locally or as "
                + "Slurm arrays) and render the paper's tables, build static codebooks, tokenize datasets, train "
                + "a token GPT and generate images. Each command has its own --help.",
        subcommands = {
            TrainCommand.class,
            EvalCommand.class,
            AnalyzeCommand.class,
            SummaryCommand.class,
            SweepCommand.class,
            TableCommand.class,
            FeaturesCommand.class,
            CodebookCommand.class,
            TokenizeCommand.class,
            LatentsCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            GptCommand.class,
            DiffusionCommand.class,
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
            err.println("(see: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return USER_ERROR;
        });
        String unknown = unknownCommand(cli, args);
        if (unknown != null) {
            cli.getErr().println(unknown);
            cli.getErr().flush();
            return USER_ERROR;
        }
        return cli.execute(args);
    }

    /**
     * The error for a command word that names no command ({@code vqlc nosuch --help} must not print
     * the top-level help as if all were well), or null. Words are matched from the top: the first
     * word that is not an option must name a subcommand of the command before it, as long as that
     * command has subcommands.
     */
    static String unknownCommand(CommandLine cli, String[] args) {
        CommandLine current = cli;
        for (String arg : args) {
            if (arg.startsWith("-")) {
                continue;
            }
            if (current.getSubcommands().isEmpty()) {
                return null; // a positional parameter of a leaf command
            }
            CommandLine next = current.getSubcommands().get(arg);
            if (next == null) {
                return "vqlc: unknown command '" + arg + "'; the commands of "
                        + current.getCommandSpec().qualifiedName() + " are: "
                        + String.join(", ", current.getSubcommands().keySet()) + " (see: "
                        + current.getCommandSpec().qualifiedName() + " --help)";
            }
            current = next;
        }
        return null;
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

    /**
     * The user error behind {@code t}, if any: a {@link UserException} (Guice's ProvisionException
     * carries it as its cause), or a file-system error on a path the user chose (a directory that
     * cannot be created, a file that cannot be written).
     */
    private static UserException findUserError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserException u) {
                return u;
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof FileSystemException f) {
                return new UserException("cannot use " + IoErrors.describe(f), f);
            }
        }
        return null;
    }
}
