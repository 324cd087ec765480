package io.github.vqlc.experiments.analysis;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.vqlc.core.io.JsonLines;
import io.github.vqlc.core.io.NpyFiles;
import io.github.vqlc.eval.analysis.DeadCodes;
import io.github.vqlc.quantizers.codebook.CodebookBuilder;
import io.github.vqlc.quantizers.codebook.CodebookConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What `vqlc codebook` recorded about a static codebook file: the per-row k-means cluster sizes and
 * the class blocks of a per-class codebook. Either may be missing (a codebook from elsewhere, or
 * one built before cluster sizes were written).
 *
 * @param clusterSizes training vectors nearest to each row, or null
 * @param blocks class blocks in class order, or empty
 */
record CodebookSidecar(long[] clusterSizes, List<DeadCodes.Block> blocks) {

    /** The sidecar of {@code codebook} ({@code x.npy -> x.json}), when there is one. */
    static Optional<CodebookSidecar> of(Path codebook, NDManager manager) {
        Path sidecar = CodebookConfig.sidecarOf(codebook);
        Optional<JsonObject> side = JsonLines.readObject(sidecar);
        if (side.isEmpty()) {
            return Optional.empty();
        }
        JsonObject kmeans = side.get().has("kmeans") ? side.get().getAsJsonObject("kmeans") : null;
        long[] sizes = null;
        List<DeadCodes.Block> blocks = new ArrayList<>();
        if (kmeans != null) {
            Path sizesFile = kmeans.has("cluster_sizes_file")
                    ? sidecar.resolveSibling(kmeans.get("cluster_sizes_file").getAsString())
                    : CodebookBuilder.clusterSizesFile(codebook);
            if (Files.isRegularFile(sizesFile)) {
                try (NDManager scratch = manager.newSubManager()) {
                    sizes = NpyFiles.inspect(sizesFile)
                            .read(scratch, "cluster sizes file")
                            .toLongArray();
                }
            }
            if (kmeans.has("classes")) {
                JsonArray classes = kmeans.getAsJsonArray("classes");
                for (JsonElement e : classes) {
                    JsonObject c = e.getAsJsonObject();
                    blocks.add(new DeadCodes.Block(
                            c.get("label").getAsString(),
                            c.get("first_row").getAsInt(),
                            c.get("rows").getAsInt()));
                }
            }
        }
        return Optional.of(new CodebookSidecar(sizes, blocks));
    }
}
