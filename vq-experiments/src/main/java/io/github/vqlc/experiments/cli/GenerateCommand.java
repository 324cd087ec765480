package io.github.vqlc.experiments.cli;

import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.tasks.Generation;
import io.github.vqlc.models.gpt.GptConfig;
import io.github.vqlc.models.gpt.SamplingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "generate",
        header = "Sample images from a trained GPT and decode them.",
        mixinStandardHelpOptions = true,
        description = "Sample images from a trained GPT (KV cache) and decode them through its tokenizer: "
                + "samples/generated-<class>.png (first 100 per class) and, with --npy, every image as "
                + "float32 (N, C, H, W).",
        footer = {
            "",
            "Example:",
            "  vqlc generate runs/fmnist-gpt --count 1000 --npy runs/fmnist-gpt/generated.npy --seed 1",
            "  vqlc generate runs/fmnist-gpt --count 1000 --gfid      # 10,000 images for 10 classes, gFID"
        })
final class GenerateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "GPT_RUN_DIR", description = "A run directory written by `vqlc gpt train`.")
    Path runDir;

    @Option(names = "--count", defaultValue = "100", description = "Images per class (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--classes", description = "Comma-separated class ids (default: all classes).")
    String classes;

    @Option(names = "--temperature", description = "Softmax temperature (default: the run's gpt.sample.temperature).")
    Double temperature;

    @Option(
            names = "--top-k",
            description = "Keep the k most likely tokens; 0 = 10% of the vocabulary (default: gpt.sample.top-k).")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus mass in (0, 1]; 1 = off (default: gpt.sample.top-p).")
    Double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", description = "Images per batch (default: gpt.sample.batch-size).")
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
        GptConfig gpt = TrainedRun.config(runDir, List.of()).gpt();
        SamplingOptions d = gpt.sampling();
        SamplingOptions options;
        try {
            options = new SamplingOptions(
                    temperature != null ? temperature : d.temperature(),
                    topK != null ? topK : d.topK(),
                    topP != null ? topP : d.topP());
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        int bs = batchSize != null ? batchSize : gpt.sampleBatchSize();
        if (bs < 1) {
            throw new UserException("--batch-size must be >= 1, got " + bs);
        }
        int[] ids = classes == null ? null : Generation.parseClasses(classes);
        Generation.run(runDir, new Generation.Request(count, ids, options, seed, bs, npy, gfid), System.out);
        return 0;
    }
}
