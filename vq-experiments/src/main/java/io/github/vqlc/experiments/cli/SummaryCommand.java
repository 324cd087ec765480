package io.github.vqlc.experiments.cli;

import com.typesafe.config.Config;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.tasks.ModelSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "summary",
        header = "Print the configured model's components and parameter counts.",
        mixinStandardHelpOptions = true,
        description = "Build the configured model without training and print each component (encoder, quant_conv, "
                + "quantizer, post_quant_conv, decoder, discriminator) with its parameter count (trainable / "
                + "frozen) and the token grid. The last line is `total parameters <N>`. The model is built on "
                + "the CPU whatever run.device says. A static codebook file (quantizer.codebook.init = file) "
                + "that does not exist yet is stood in for by a random codebook of the same size and "
                + "quantizer.codebook.dim (a note on stderr says so).",
        footer = {"", "Example:", "  vqlc summary -c configs/imagenet/vqgan-lc-f16-100k.conf"})
final class SummaryCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
        ExperimentConfig loaded = config.load();
        if (!loaded.run().device().equals("cpu")) {
            config.overrides.add("run.device=cpu"); // parameter counts do not depend on the device
        }
        Config q = loaded.quantizer().section();
        if (q.hasPath("codebook.init")
                && q.getString("codebook.init").equals("file")
                && q.hasPath("codebook.path")
                && !q.getString("codebook.path").isEmpty()) {
            Path file = Path.of(q.getString("codebook.path")).toAbsolutePath(); // as the quantizer resolves it
            if (!Files.exists(file)) {
                // the width is whatever the quantizer makes of codebook.dim (its own default when unset)
                String dim =
                        q.hasPath("codebook.dim") ? String.valueOf(q.getInt("codebook.dim")) : "quantizer.codebook.dim";
                System.err.printf(
                        "note: codebook file %s not found; counting with a random %d x %s codebook in its place%n",
                        file, loaded.quantizer().codebookSize(), dim);
                config.overrides.add("quantizer.codebook.init=random");
                config.overrides.add("quantizer.codebook.path=\"\"");
            }
        }
        System.out.println(ModelSummary.of(config.overrides.isEmpty() ? loaded : config.load())
                .render());
        return 0;
    }
}
