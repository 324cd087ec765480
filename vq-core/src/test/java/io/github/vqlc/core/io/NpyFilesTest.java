package io.github.vqlc.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy and .safetensors round trips of any rank and of the integer types tokens use. */
class NpyFilesTest {

    @TempDir
    Path dir;

    @Test
    void int64ArraysOfAnyRankRoundTripWithANumpyHeader() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = m.arange(0, 24, 1, DataType.INT64).reshape(2, 3, 4);
            Path f = dir.resolve("tokens.npy");
            NpyFiles.write(f, tokens);
            String header = new String(Files.readAllBytes(f), 10, 64, StandardCharsets.US_ASCII);
            assertThat(header).startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3, 4), }");
            assertThat(Files.size(f) % 64).isEqualTo((24 * 8) % 64); // header padded to 64 bytes
            ArrayLayout l = NpyFiles.inspect(f);
            assertThat(l.shape()).isEqualTo(new Shape(2, 3, 4));
            assertThat(l.dataType()).isEqualTo(DataType.INT64);
            assertThat(l.storedType()).isEqualTo("'<i8'");
            NDArray back = l.read(m, "token file");
            assertThat(back.getDataType()).isEqualTo(DataType.INT64);
            assertThat(back.toLongArray()).containsExactly(tokens.toLongArray());
        }
    }

    @Test
    void aVectorHasNumpysOneElementTuple() {
        assertThat(new String(NpyFiles.header(DataType.FLOAT32, 5), StandardCharsets.US_ASCII))
                .contains("'shape': (5,), }");
    }

    @Test
    void safetensorsRoundTripKeepsNamesShapesAndTypes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Path f = dir.resolve("w.safetensors");
            NDArray w = m.arange(0f, 6f).reshape(2, 3);
            NDArray ids = m.arange(0, 4, 1, DataType.INT64);
            w.setName("w");
            SafetensorsFiles.write(f, Map.of("weight", w, "ids", ids));
            assertThat(w.getName()).as("the caller's array keeps its name").isEqualTo("w");
            Map<String, ArrayLayout> t = SafetensorsFiles.inspect(f);
            assertThat(t.keySet()).containsExactly("ids", "weight");
            assertThat(t.get("weight").shape()).isEqualTo(new Shape(2, 3));
            assertThat(t.get("weight").read(m, "weights file").toFloatArray()).containsExactly(w.toFloatArray());
            assertThat(t.get("ids").dataType()).isEqualTo(DataType.INT64);
            assertThat(t.get("ids").storedType()).isEqualTo("I64");
            assertThat(t.get("ids").read(m, "weights file").toLongArray()).containsExactly(0, 1, 2, 3);
        }
    }

    @Test
    void aFileOfAnotherFormatIsAUserErrorNamingIt() throws Exception {
        Path f = dir.resolve("x.npy");
        Files.writeString(f, "not numpy at all");
        assertThatThrownBy(() -> NpyFiles.inspect(f))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("not a .npy file");
        assertThatThrownBy(() -> SafetensorsFiles.inspect(f))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not a .safetensors file");
    }
}
