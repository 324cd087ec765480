package io.github.vqlc.experiments.cli;

import ai.djl.engine.Engine;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        header = "Print the vqlc, DJL and PyTorch versions and the devices seen.",
        description = "Print the vqlc, DJL and PyTorch versions and the devices seen.")
final class VersionCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (String line : lines()) {
            System.out.println(line);
        }
        return 0;
    }

    static String[] lines() {
        String version = VersionCommand.class.getPackage().getImplementationVersion();
        Engine engine = Engine.getInstance();
        return new String[] {
            "vqlc " + (version == null ? "dev" : version),
            "DJL " + Engine.getDjlVersion() + ", engine " + engine.getEngineName() + " " + engine.getVersion(),
            "devices: cpu" + (engine.getGpuCount() > 0 ? ", " + engine.getGpuCount() + " GPU(s)" : "")
        };
    }

    /** For {@code vqlc --version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
