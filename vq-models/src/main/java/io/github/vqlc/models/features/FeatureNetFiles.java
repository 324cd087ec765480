package io.github.vqlc.models.features;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A trained feature network on disk: {@code feature-net.params} (DJL block parameters) and {@code
 * feature-net.json} (architecture, dataset, test accuracy, and the SHA-256 of the parameter file,
 * which ties the two together and is the network's fingerprint). Each file is written atomically,
 * the description last, and loading checks the digest, so a half-replaced pair never loads.
 */
public final class FeatureNetFiles {

    public static final String PARAMS = "feature-net.params";
    public static final String DESCRIPTION = "feature-net.json";
    /** How to make one, shown when none is found. */
    public static final String TRAIN_HINT = "bin/vqlc features train -c configs/fashion-mnist/feature-net.conf";

    /**
     * How to train the network expected at {@code dir}: the shipped config that writes there
     * (runs/eval-net: the evaluation network), else the feature network's with {@code features.dir}.
     */
    public static String trainHint(Path dir) {
        Path name = dir.getFileName();
        if (name != null
                && (name.toString().equals("eval-net") || name.toString().equals("feature-net"))) {
            return trainCommand(dir);
        }
        return TRAIN_HINT + " -o features.dir=" + dir;
    }

    /** The shipped command that trains a network like the one expected at {@code dir} (eval-net's or feature-net's). */
    public static String trainCommand(Path dir) {
        Path name = dir.getFileName();
        return name != null && name.toString().equals("eval-net")
                ? "bin/vqlc features train -c configs/fashion-mnist/eval-net.conf"
                : TRAIN_HINT;
    }

    private FeatureNetFiles() {}

    /** A network read back from disk with its description. */
    public record Loaded(FeatureNet net, JsonObject description, String paramsSha256) {}

    /** True when {@code dir} holds a description file (a trained network, complete or not). */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(DESCRIPTION));
    }

    /**
     * Writes the network and its description into {@code dir}; {@code extra} fields (dataset, test
     * accuracy, training settings) are added to the description.
     */
    public static void save(Path dir, FeatureNet net, JsonObject extra) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            net.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] params = bytes.toByteArray();
        AtomicFiles.write(dir.resolve(PARAMS), out -> out.write(params));
        JsonObject d = new JsonObject();
        d.addProperty("type", FeatureNetExtractorFactory.TYPE);
        FeatureNet.Architecture a = net.architecture();
        d.addProperty("channels", a.channels());
        d.addProperty("image_size", a.imageSize());
        d.addProperty("width", a.width());
        d.addProperty("depth", a.depth());
        d.addProperty("num_classes", a.numClasses());
        d.addProperty("patch_dim", a.patchDim());
        d.addProperty("patch_grid", a.patchGrid());
        d.addProperty("global_dim", a.globalDim());
        extra.entrySet().forEach(e -> d.add(e.getKey(), e.getValue()));
        d.addProperty("params_sha256", sha256(params));
        AtomicFiles.writeString(
                dir.resolve(DESCRIPTION),
                new GsonBuilder().setPrettyPrinting().create().toJson(d) + "\n");
    }

    /** Reads the network in {@code dir} into {@code manager}; a missing or inconsistent one is a user error. */
    public static Loaded load(Path dir, NDManager manager) {
        Path params = dir.resolve(PARAMS);
        if (!exists(dir) || !Files.isRegularFile(params)) {
            throw new UserException("no trained feature network at " + dir + "; train one with: " + trainHint(dir));
        }
        try {
            JsonObject d = JsonParser.parseString(Files.readString(dir.resolve(DESCRIPTION)))
                    .getAsJsonObject();
            byte[] bytes = Files.readAllBytes(params);
            String sha = sha256(bytes);
            if (!sha.equals(d.get("params_sha256").getAsString())) {
                throw new UserException("feature network at " + dir + " is inconsistent: " + PARAMS
                        + " does not match the digest in " + DESCRIPTION + "; train it again with: " + trainHint(dir));
            }
            FeatureNet.Architecture a = new FeatureNet.Architecture(
                    d.get("channels").getAsInt(),
                    d.get("image_size").getAsInt(),
                    d.get("width").getAsInt(),
                    d.get("num_classes").getAsInt(),
                    d.has("depth") ? d.get("depth").getAsInt() : 1);
            FeatureNet net = new FeatureNet(a);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, a.channels(), a.imageSize(), a.imageSize()));
            net.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes)));
            return new Loaded(net, d, sha);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            if (e instanceof UserException u) {
                throw u;
            }
            throw new UserException(
                    "cannot read the feature network at " + dir + " (" + e.getMessage() + "); train it again with: "
                            + trainHint(dir),
                    e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
