package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.run.DiffusionRun;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.tasks.Generation;
import io.github.vqlc.models.diffusion.DiffusionConfig;
import io.github.vqlc.models.diffusion.VelocitySampler;
import io.github.vqlc.models.gpt.GptConfig;
import io.github.vqlc.models.gpt.SamplingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "generate",
        header = "Sample and decode images from a GPT or diffusion run.",
        mixinStandardHelpOptions = true,
        description = "Sample images from a trained GPT (tokens, KV cache) or diffusion model (latents, ODE with "
                + "classifier-free guidance) and decode them through its tokenizer: "
                + "samples/generated-<class>.png (first 100 per class) and, with --npy, every image as "
                + "float32 (N, C, H, W). Token options apply to GPT runs, latent options to diffusion runs.",
        footer = {
            "",
            "Example:",
            "  vqlc generate runs/fmnist-gpt --count 1000 --npy runs/fmnist-gpt/generated.npy --seed 1",
            "  vqlc generate runs/fmnist-gpt --count 1000 --gfid      # 10,000 images for 10 classes, gFID",
            "  vqlc generate runs/fmnist-sit --count 1000 --gfid --steps 100 --guidance 2"
        })
final class GenerateCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR",
            description = "A run directory written by `vqlc gpt train` or `vqlc diffusion train`.")
    Path runDir;

    @Option(names = "--count", defaultValue = "100", description = "Images per class (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--classes", description = "Comma-separated class ids (default: all classes).")
    String classes;

    @Option(names = "--temperature", description = "Softmax temperature (default: the run's gpt.sample.temperature).")
    Double temperature;

    @Option(
            names = "--top-k",
            description = "Keep the k most likely tokens; 0 = the whole vocabulary (default: gpt.sample.top-k).")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus mass in (0, 1]; 1 = off (default: gpt.sample.top-p).")
    Double topP;

    @Option(
            names = "--method",
            description = "Diffusion: ODE integrator, euler or heun (default: diffusion.sample.method).")
    String method;

    @Option(names = "--steps", description = "Diffusion: integration steps (default: diffusion.sample.steps).")
    Integer steps;

    @Option(
            names = "--guidance",
            description = "Diffusion: classifier-free guidance scale, 1 = off (default: diffusion.sample.guidance).")
    Double guidance;

    @Option(
            names = "--guided-channels",
            description = "Diffusion: guide only the first n latent channels, 0 = all "
                    + "(default: diffusion.sample.guided-channels).")
    Integer guidedChannels;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--batch-size",
            description = "Images per batch (default: gpt.sample.batch-size or diffusion.sample.batch-size).")
    Integer batchSize;

    @Option(names = "--npy", paramLabel = "FILE", description = "Also write all generated images to this .npy file.")
    Path npy;

    @Option(
            names = "--gfid",
            description = "Also report the generation FID (gfid in metrics.json): all generated images against the "
                    + "tokenizer's training split, with the tokenizer's eval.fid.extractor (statistics cached).")
    boolean gfid;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new UserException("--count must be >= 1, got " + count);
        }
        ExperimentConfig config = TrainedRun.config(runDir, List.of());
        boolean diffusion = DiffusionRun.isRun(runDir);
        SamplingOptions tokens = null;
        DiffusionConfig.Sampling latents = null;
        int bs;
        if (diffusion) {
            refuse("a diffusion run", "--temperature", temperature);
            refuse("a diffusion run", "--top-k", topK);
            refuse("a diffusion run", "--top-p", topP);
            DiffusionConfig.Sampling d = config.diffusion().sampling();
            latents = new DiffusionConfig.Sampling(
                    method == null ? d.method() : method(method),
                    steps != null ? atLeast(steps, 1, "--steps") : d.steps(),
                    guidance != null ? atLeast(guidance, 0, "--guidance") : d.guidance(),
                    guidedChannels != null ? atLeast(guidedChannels, 0, "--guided-channels") : d.guidedChannels(),
                    d.batchSize());
            bs = batchSize != null ? batchSize : d.batchSize();
        } else {
            refuse("a GPT run", "--method", method);
            refuse("a GPT run", "--steps", steps);
            refuse("a GPT run", "--guidance", guidance);
            refuse("a GPT run", "--guided-channels", guidedChannels);
            GptConfig gpt = config.gpt();
            SamplingOptions d = gpt.sampling();
            try {
                tokens = new SamplingOptions(
                        temperature != null ? temperature : d.temperature(),
                        topK != null ? topK : d.topK(),
                        topP != null ? topP : d.topP());
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            bs = batchSize != null ? batchSize : gpt.sampleBatchSize();
        }
        if (bs < 1) {
            throw new UserException("--batch-size must be >= 1, got " + bs);
        }
        int[] ids = classes == null ? null : Generation.parseClasses(classes);
        Generation.run(runDir, new Generation.Request(count, ids, tokens, latents, seed, bs, npy, gfid), System.out);
        return 0;
    }

    /** One line when an option of the other kind of run was given. */
    private void refuse(String kind, String option, Object value) {
        if (value != null) {
            throw new UserException(option + " does not apply to " + kind + " (" + runDir + ")");
        }
    }

    private static VelocitySampler.Method method(String name) {
        try {
            return VelocitySampler.Method.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException("--method '" + name + "' is not valid; expected one of: euler, heun");
        }
    }

    private static <T extends Number> T atLeast(T value, double min, String name) {
        if (value.doubleValue() < min) {
            throw new UserException(
                    name + " must be >= " + (min == Math.rint(min) ? (long) min : min) + ", got " + value);
        }
        return value;
    }
}
