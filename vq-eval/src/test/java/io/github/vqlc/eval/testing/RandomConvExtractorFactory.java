package io.github.vqlc.eval.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only extractor {@code random-conv-test}: a seeded random 3x3 stride-2 convolution to 8
 * channels, ReLU, then global mean and max pooling: 16 global features per image. The seed comes
 * from the bytes of the optional {@code path} file, which also enters the fingerprint, like a real
 * extractor's weight file. {@link #CALLS} counts {@code globalFeatures} calls.
 */
public final class RandomConvExtractorFactory implements FeatureExtractorFactory {

    public static final String TYPE = "random-conv-test";
    public static final int DIM = 16;
    public static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "test-only random conv + pooling (16 global features)";
    }

    @Override
    public FeatureExtractor create(Config section, FeatureExtractorContext context) {
        String path = section.getString("path");
        byte[] bytes = new byte[0];
        if (!path.isBlank()) {
            Path file = context.baseDir().resolve(path);
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UserException("no extractor file at " + file);
            }
        }
        String digest;
        try {
            digest = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new Extractor(context, digest, path);
    }

    private static final class Extractor implements FeatureExtractor {
        private final NDManager manager;
        private final NDArray weight;
        private final String digest;
        private final String path;

        Extractor(FeatureExtractorContext context, String digest, String path) {
            this.manager = context.manager().newSubManager();
            this.digest = digest;
            this.path = path;
            Random rnd = new Random(Long.parseUnsignedLong(digest.substring(0, 15), 16));
            int c = context.imageChannels();
            float[] w = new float[8 * c * 9];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian() * 0.5f;
            }
            this.weight = manager.create(w, new Shape(8, c, 3, 3));
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String describe() {
            return TYPE + " (path " + (path.isBlank() ? "none" : path) + ")";
        }

        @Override
        public String fingerprint() {
            return TYPE + ":" + digest;
        }

        @Override
        public boolean hasPatchFeatures() {
            return false;
        }

        @Override
        public boolean hasGlobalFeatures() {
            return true;
        }

        @Override
        public int patchDim() {
            return 0;
        }

        @Override
        public int globalDim() {
            return DIM;
        }

        @Override
        public NDArray patchFeatures(NDArray images) {
            throw new UserException(TYPE + " has no patch features");
        }

        @Override
        public NDArray globalFeatures(NDArray images) {
            CALLS.incrementAndGet();
            NDArray h = Activation.relu(Conv2d.conv2d(images, weight, null, new Shape(2, 2), new Shape(1, 1))
                    .singletonOrThrow());
            NDArray flat = h.reshape(h.getShape().get(0), 8, -1);
            return NDArrays.concat(new NDList(flat.mean(new int[] {2}), flat.max(new int[] {2})), 1);
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
