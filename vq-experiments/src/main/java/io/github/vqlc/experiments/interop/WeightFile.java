package io.github.vqlc.experiments.interop;

import io.github.vqlc.core.UserException;
import io.github.vqlc.core.io.ArrayLayout;
import io.github.vqlc.core.io.AtomicFiles;
import io.github.vqlc.core.io.NpyFiles;
import io.github.vqlc.core.io.SafetensorsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The tensors of a weight file by name: {@code .safetensors}, or {@code .npz} (NumPy's
 * {@code savez}: one {@code .npy} per name, unpacked into a temporary directory that {@link
 * #close} deletes).
 */
final class WeightFile implements AutoCloseable {

    private final Map<String, ArrayLayout> tensors;
    private final Path unpacked;

    private WeightFile(Map<String, ArrayLayout> tensors, Path unpacked) {
        this.tensors = tensors;
        this.unpacked = unpacked;
    }

    static WeightFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("no weight file " + file);
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".safetensors")) {
            return new WeightFile(SafetensorsFiles.inspect(file), null);
        }
        if (name.endsWith(".npz")) {
            return unpackNpz(file);
        }
        throw new UserException("weight file " + file + " is neither .safetensors nor .npz (convert a .pth as"
                + " docs/interop.md shows)");
    }

    Map<String, ArrayLayout> tensors() {
        return tensors;
    }

    private static WeightFile unpackNpz(Path file) {
        Path dir;
        try {
            dir = Files.createTempDirectory("vqlc-npz");
        } catch (IOException e) {
            throw new UserException("cannot create a temporary directory for " + file + ": " + e.getMessage(), e);
        }
        Map<String, ArrayLayout> tensors = new TreeMap<>();
        try (InputStream in = Files.newInputStream(file);
                ZipInputStream zip = new ZipInputStream(in)) {
            int index = 0;
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String entry = e.getName();
                if (e.isDirectory() || !entry.endsWith(".npy")) {
                    continue;
                }
                Path target = dir.resolve(index++ + ".npy"); // the tensor name may hold any character
                Files.copy(zip, target);
                tensors.put(entry.substring(0, entry.length() - ".npy".length()), NpyFiles.inspect(target));
            }
        } catch (IOException e) {
            delete(dir);
            throw new UserException("weight file " + file + " is not a readable .npz archive: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
        if (tensors.isEmpty()) {
            delete(dir);
            throw new UserException("weight file " + file + " holds no .npy arrays");
        }
        return new WeightFile(tensors, dir);
    }

    @Override
    public void close() {
        if (unpacked != null) {
            delete(unpacked);
        }
    }

    private static void delete(Path dir) {
        try {
            AtomicFiles.deleteRecursively(dir);
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing the command for
        }
    }
}
