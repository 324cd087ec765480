package io.github.vqlc.experiments.tasks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.data.ImageDataset;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.ImageGrid;
import io.github.vqlc.core.io.NpyFiles;
import io.github.vqlc.core.spi.Quantizer;
import io.github.vqlc.core.stats.CodeUsage;
import io.github.vqlc.core.stats.LevelCodes;
import io.github.vqlc.eval.generation.GenerationFid;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.experiments.progress.Progress;
import io.github.vqlc.experiments.run.DiffusionRun;
import io.github.vqlc.experiments.run.GptRun;
import io.github.vqlc.experiments.run.RunDirectory;
import io.github.vqlc.experiments.run.TrainedRun;
import io.github.vqlc.experiments.wiring.ExperimentModule;
import io.github.vqlc.models.diffusion.DiffusionConfig;
import io.github.vqlc.models.diffusion.LatentImageGenerator;
import io.github.vqlc.models.generation.ClassImageSampler;
import io.github.vqlc.models.gpt.ImageGenerator;
import io.github.vqlc.models.gpt.SamplingOptions;
import io.github.vqlc.models.gpt.TokenGpt;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vqlc generate}: samples {@code count} images per class from a trained GPT or diffusion
 * model, decodes them through its tokenizer, writes {@code samples/generated-<class>.png} (the first 100 of each
 * class, rows of 10) and optionally all images as one float32 (N, C, H, W) {@code .npy} in
 * [-1, 1], streamed batch by batch; with {@code gfid}, the generation FID of all generated images
 * against the tokenizer's training split, with the tokenizer's {@code eval.fid.extractor}.
 */
public final class Generation {

    /**
     * What to generate. {@code classes} null = every class (or the unconditional one); {@code gfid}:
     * also measure the generation FID against the tokenizer's training split. {@code tokens} are the
     * sampling options of a GPT run, {@code latents} those of a diffusion run (the other is ignored).
     */
    public record Request(
            int count,
            int[] classes,
            SamplingOptions tokens,
            DiffusionConfig.Sampling latents,
            long seed,
            int batchSize,
            Path npy,
            boolean gfid) {}

    /** A loaded generator: what samples, the checkpoint it samples from, and its settings (printed and recorded). */
    private record Source(ClassImageSampler sampler, Path checkpoint, String settings, Map<String, Object> metrics) {}

    private static final int GRID_IMAGES = 100;
    private static final int GRID_COLUMNS = 10;

    private Generation() {}

    /** Generates from the GPT or diffusion run in {@code runDir}. */
    public static Map<String, Object> run(Path runDir, Request r, PrintStream out) {
        if (DiffusionRun.isRun(runDir)) {
            DiffusionRun.Loaded run = DiffusionRun.load(runDir);
            try (NDManager memory = run.manager();
                    TrainedRun tokenizer = TrainedRun.tokenizer(run.tokenizerDir(), "diffusion.tokenizer")) {
                DiffusionConfig.Sampling o = r.latents();
                LatentImageGenerator generator = latentGenerator(run, tokenizer, o);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sampling_method", o.method().name().toLowerCase(Locale.ROOT));
                m.put("sampling_steps", o.steps());
                m.put("sampling_guidance", o.guidance());
                m.put("sampling_guided_channels", o.guidedChannels());
                m.put("sampling_ema_weights", run.ema());
                String settings = String.format(
                        Locale.ROOT,
                        "%s, %d steps, guidance %.2f%s, %s weights",
                        m.get("sampling_method"),
                        o.steps(),
                        o.guidance(),
                        o.guidedChannels() == 0 ? "" : " on " + o.guidedChannels() + " channels",
                        run.ema() ? "EMA" : "training");
                return generate(runDir, new Source(generator, run.checkpoint().dir(), settings, m), tokenizer, r, out);
            }
        }
        GptRun.Loaded gpt = GptRun.load(runDir);
        try (NDManager gptMemory = gpt.manager();
                TrainedRun tokenizer = TrainedRun.tokenizer(gpt.tokenizerDir(), "gpt.tokenizer")) {
            ImageGenerator generator = generator(gpt.model(), tokenizer, r.tokens());
            int top = r.tokens().effectiveTopK(generator.spec().vocabSize());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sampling_temperature", r.tokens().temperature());
            m.put("sampling_top_k", top);
            m.put("sampling_top_p", r.tokens().topP());
            String settings = String.format(
                    Locale.ROOT,
                    "temperature %.2f, top-k %d, top-p %.2f",
                    r.tokens().temperature(),
                    top,
                    r.tokens().topP());
            return generate(runDir, new Source(generator, gpt.checkpoint().dir(), settings, m), tokenizer, r, out);
        }
    }

    private static Map<String, Object> generate(
            Path runDir, Source source, TrainedRun tokenizer, Request r, PrintStream out) {
        int known = source.sampler().classes();
        if (r.gfid() && r.classes() != null && known > 0 && r.classes().length != known) {
            throw new UserException(
                    "--gfid compares with the whole training split: generate every class (drop --classes)");
        }
        int[] classes = r.classes() != null ? r.classes() : allClasses(known);
        int total = r.count() * classes.length;
        try (GenerationFid gfid = r.gfid() ? openGfid(tokenizer, total, out) : null) {
            return generate(runDir, source, tokenizer.model().quantizer(), classes, total, gfid, r, out);
        }
    }

    /** The tokenizer's FID extractor with the statistics of its training split (cached or computed now). */
    private static GenerationFid openGfid(TrainedRun tokenizer, int total, PrintStream out) {
        Injector injector = tokenizer.injector();
        ExperimentConfig config = tokenizer.config();
        NDManager manager = injector.getInstance(NDManager.class);
        GenerationFid gfid = GenerationFid.open(
                config.eval(),
                config.data(),
                config.run().seed(),
                injector.getInstance(Device.class),
                manager,
                injector.getInstance(ExperimentModule.EXTRACTORS),
                Path.of("").toAbsolutePath(),
                total);
        try {
            ImageDataset train = injector.getInstance(Key.get(ImageDataset.class, Names.named("train")));
            long start = System.nanoTime();
            int every = Math.max(1, train.size() / 10);
            boolean cached = gfid.prepareReference(train, "train", manager, done -> {
                if (done % every < config.eval().batchSize() || done == train.size()) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    out.printf(
                            Locale.ROOT,
                            "gFID reference: %d/%d training images  eta %s%n",
                            done,
                            train.size(),
                            Progress.duration(secs / done * (train.size() - done)));
                }
            });
            out.println("gFID reference: " + train.size() + " training images ("
                    + (cached ? "cached" : "computed and cached") + "), extractor " + gfid.extractorDescription());
            return gfid;
        } catch (RuntimeException e) {
            gfid.close();
            throw e;
        }
    }

    private static Map<String, Object> generate(
            Path runDir,
            Source source,
            Quantizer quantizer,
            int[] classes,
            int total,
            GenerationFid gfid,
            Request r,
            PrintStream out) {
        ClassImageSampler generator = source.sampler();
        out.printf(
                Locale.ROOT,
                "generating %d images for each of %d classes from %s (%s, seed %d)%n",
                r.count(),
                classes.length,
                source.checkpoint(),
                source.settings(),
                r.seed());
        RunDirectory dir = new RunDirectory(runDir);
        // the codes the generated images were decoded from (the authors' "effective tokens")
        CodeUsage usage = new CodeUsage(LevelCodes.pooledSize(quantizer));
        long start = System.nanoTime();
        int[] done = {0};
        Map<Integer, List<NDArray>> grids = new LinkedHashMap<>();
        try (NDManager keep = NDManager.newBaseManager()) {
            ClassImageSampler.Sink toGrids = (images, labels, codes) -> {
                usage.add(
                        LevelCodes.pooled(codes.toLongArray(), quantizer.codebookSize(), quantizer.codesPerPosition()));
                if (gfid != null) {
                    gfid.add(images);
                }
                NDArray host = keepCopy(images, keep);
                for (int i = 0; i < labels.length; i++) {
                    List<NDArray> rows = grids.computeIfAbsent(labels[i], k -> new ArrayList<>());
                    if (rows.size() < GRID_IMAGES) {
                        rows.add(host.get("{}:{}", i, i + 1));
                    }
                }
                int before = done[0];
                done[0] += labels.length;
                if (before * 20L / total == done[0] * 20L / total && done[0] != total) {
                    return; // a line every 5%
                }
                double secs = (System.nanoTime() - start) / 1e9;
                out.printf(
                        Locale.ROOT,
                        "generated %d/%d  %.1f images/s  eta %s%n",
                        done[0],
                        total,
                        done[0] / secs,
                        Progress.duration(secs / done[0] * (total - done[0])));
            };
            if (r.npy() != null) {
                AtomicFiles.write(r.npy(), stream -> {
                    boolean[] header = {false};
                    generator.generate(classes, r.count(), r.batchSize(), r.seed(), (images, labels, codes) -> {
                        try {
                            if (!header[0]) {
                                var sh = images.getShape();
                                stream.write(NpyFiles.header(DataType.FLOAT32, total, sh.get(1), sh.get(2), sh.get(3)));
                                header[0] = true;
                            }
                            writeFloats(stream, images.toFloatArray());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        toGrids.accept(images, labels, codes);
                    });
                });
                out.println("images: " + r.npy() + " (" + total + " x C x H x W float32 in [-1, 1])");
            } else {
                generator.generate(classes, r.count(), r.batchSize(), r.seed(), toGrids);
            }
            for (Map.Entry<Integer, List<NDArray>> e : grids.entrySet()) {
                Path file = dir.samples().resolve("generated-" + className(generator.classes(), e.getKey()) + ".png");
                ImageGrid.write(file, rowsOf(keep, e.getValue()));
                out.println("grid: " + file);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generated_images", total);
        m.put("generation_seconds", seconds);
        m.put("generated_images_per_second", total / seconds);
        m.put("generated_codes_used", usage.used());
        m.put("generated_code_utilization", (double) usage.used() / usage.codebookSize());
        m.putAll(source.metrics());
        m.put("sampling_seed", r.seed());
        if (gfid != null) {
            m.putAll(gfid.result());
            out.printf(
                    Locale.ROOT,
                    "gfid %.3f (%d generated vs %d training images, %s)%n",
                    (Double) m.get("gfid"),
                    total,
                    (Long) m.get("gfid_reference_images"),
                    m.get("fid_extractor"));
        }
        dir.updateMetrics(m);
        return m;
    }

    private static int[] allClasses(int known) {
        if (known == 0) {
            return new int[] {0};
        }
        int[] all = new int[known];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    private static String className(int known, int c) {
        return known == 0 ? "unconditional" : Integer.toString(c);
    }

    /** Re-cuts the collected images (N, C, H, W) into rows of {@link #GRID_COLUMNS} (the last row padded with -1). */
    private static List<NDArray> rowsOf(NDManager m, List<NDArray> parts) {
        NDArray all = NDArrays.concat(new NDList(parts), 0);
        long n = all.getShape().get(0);
        int cols = (int) Math.min(GRID_COLUMNS, n);
        long padded = (n + cols - 1) / cols * cols;
        if (padded > n) {
            var sh = all.getShape();
            all = all.concat(m.full(new Shape(padded - n, sh.get(1), sh.get(2), sh.get(3)), -1f), 0);
        }
        List<NDArray> rows = new ArrayList<>();
        for (long i = 0; i < padded; i += cols) {
            rows.add(all.get("{}:{}", i, i + cols));
        }
        return rows;
    }

    private static void writeFloats(OutputStream out, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        out.write(b.array());
    }

    /** Parses "0,3,7" into class ids. */
    public static int[] parseClasses(String text) {
        try {
            return Arrays.stream(text.split(","))
                    .map(String::trim)
                    .filter(t -> !t.isEmpty())
                    .mapToInt(Integer::parseInt)
                    .toArray();
        } catch (NumberFormatException e) {
            throw new UserException("--classes '" + text + "' is not a comma-separated list of class numbers");
        }
    }

    /** The diffusion model of {@code run} decoding through {@code tokenizer}. */
    static LatentImageGenerator latentGenerator(
            DiffusionRun.Loaded run, TrainedRun tokenizer, DiffusionConfig.Sampling options) {
        return new LatentImageGenerator(
                run.model(), tokenizer.model(), tokenizer.manager(), options, run.mean(), run.std());
    }

    /** {@code model} decoding through {@code tokenizer}. */
    static ImageGenerator generator(TokenGpt model, TrainedRun tokenizer, SamplingOptions options) {
        return new ImageGenerator(model, tokenizer.model(), tokenizer.manager(), options);
    }

    /** Writes one grid of {@code perClass} samples for each of up to 10 classes (one row per class) to {@code file}. */
    static void writeSampleGrid(ClassImageSampler generator, Path file, int perClass, int batchSize, long seed) {
        int known = generator.classes();
        int rows = known == 0 ? 1 : Math.min(10, known);
        int[] classes = new int[rows];
        for (int i = 0; i < rows; i++) {
            classes[i] = known == 0 ? 0 : i;
        }
        try (NDManager keep = NDManager.newBaseManager()) {
            List<NDArray> parts = new ArrayList<>();
            generator.generate(
                    classes, perClass, batchSize, seed, (images, labels, codes) -> parts.add(keepCopy(images, keep)));
            NDArray all = NDArrays.concat(new NDList(parts), 0);
            List<NDArray> grid = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                grid.add(all.get("{}:{}", r * perClass, (r + 1) * perClass));
            }
            ImageGrid.write(file, grid);
        }
    }

    /** A host copy of {@code images} owned by {@code keep}. */
    private static NDArray keepCopy(NDArray images, NDManager keep) {
        return keep.create(images.toFloatArray(), images.getShape());
    }
}
