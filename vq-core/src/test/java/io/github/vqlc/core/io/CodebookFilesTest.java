package io.github.vqlc.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodebookFilesTest {

    @TempDir
    Path dir;

    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static final float[] VALUES = {1f, -2f, 3.5f, 0.25f, 5f, -6f}; // (3, 2)

    @Test
    void npyRoundTrip() {
        Path f = dir.resolve("cb.npy");
        CodebookFiles.writeNpy(f, manager.create(VALUES, new Shape(3, 2)));
        CodebookFiles.Info info = CodebookFiles.inspect(f);
        assertThat(info.format()).isEqualTo("npy");
        assertThat(info.shape()).isEqualTo(new Shape(3, 2));
        assertThat(info.dataType()).isEqualTo(DataType.FLOAT32);
        NDArray read = CodebookFiles.read(manager, f);
        assertThat(read.getShape()).isEqualTo(new Shape(3, 2));
        assertThat(read.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(read.toFloatArray()).containsExactly(VALUES);
        // header is 64-byte aligned as the .npy spec asks
        assertThat((int) (f.toFile().length() - VALUES.length * 4L) % 64).isZero();
    }

    @Test
    void readsTheNpyThatDjlWritesInsideAnNpz() throws IOException {
        // an independent writer: DJL's NPZ encoding is a zip of .npy entries
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new NDList(manager.create(VALUES, new Shape(3, 2))).encode(bytes, NDList.Encoding.NPZ);
        Path f = dir.resolve("djl.npy");
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ZipEntry entry = zip.getNextEntry();
            assertThat(entry).isNotNull();
            Files.write(f, zip.readAllBytes());
        }
        assertThat(CodebookFiles.read(manager, f).toFloatArray()).containsExactly(VALUES);
    }

    @Test
    void readsSafetensorsWrittenByDjl() throws IOException {
        Path single = dir.resolve("single.safetensors");
        NDArray a = manager.create(VALUES, new Shape(3, 2));
        a.setName("whatever");
        write(single, new NDList(a), NDList.Encoding.SAFETENSORS);
        assertThat(CodebookFiles.inspect(single).format()).isEqualTo("safetensors");
        assertThat(CodebookFiles.read(manager, single).toFloatArray()).containsExactly(VALUES);

        Path several = dir.resolve("several.safetensors");
        NDArray other = manager.create(new float[] {9, 9}, new Shape(1, 2));
        other.setName("other");
        NDArray cb = manager.create(VALUES, new Shape(2, 3));
        cb.setName("codebook");
        write(several, new NDList(other, cb), NDList.Encoding.SAFETENSORS);
        NDArray read = CodebookFiles.read(manager, several);
        assertThat(read.getShape()).isEqualTo(new Shape(2, 3));
        assertThat(read.toFloatArray()).containsExactly(VALUES);
    }

    @Test
    void convertsFloat64FortranOrderAndBigEndian() throws IOException {
        // (2, 3) matrix [[1, 2, 3], [4, 5, 6]] stored column-major as float64
        Path f64 = dir.resolve("f64.npy");
        ByteBuffer data = ByteBuffer.allocate(6 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : new double[] {1, 4, 2, 5, 3, 6}) {
            data.putDouble(v);
        }
        writeNpy(f64, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", data.array());
        NDArray read = CodebookFiles.read(manager, f64);
        assertThat(read.getShape()).isEqualTo(new Shape(2, 3));
        assertThat(read.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(read.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);

        Path big = dir.resolve("big.npy");
        ByteBuffer be = ByteBuffer.allocate(4 * 4).order(ByteOrder.BIG_ENDIAN);
        for (float v : new float[] {1.5f, -2f, 3f, 4f}) {
            be.putFloat(v);
        }
        writeNpy(big, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", be.array());
        assertThat(CodebookFiles.read(manager, big).toFloatArray()).containsExactly(1.5f, -2f, 3f, 4f);
    }

    @Test
    void rejectsAnArrayThatIsNotAMatrixNamingFileAndShape() {
        Path f = dir.resolve("cube.npy");
        writeNpy(f, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }", new byte[2 * 3 * 4 * 4]);
        assertThatThrownBy(() -> CodebookFiles.inspect(f))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("(2, 3, 4)")
                .hasMessageContaining("2-D (K, D)");
        Path v = dir.resolve("vector.npy");
        writeNpy(v, "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", new byte[20]);
        assertThatThrownBy(() -> CodebookFiles.read(manager, v))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("(5,)");
    }

    @Test
    void rejectsNonFiniteValuesWithTheirPosition() {
        Path f = dir.resolve("nan.npy");
        CodebookFiles.writeNpy(
                f, manager.create(new float[] {0, 1, 2, Float.NaN, 4, Float.POSITIVE_INFINITY}, new Shape(3, 2)));
        assertThatThrownBy(() -> CodebookFiles.read(manager, f))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("(3, 2)")
                .hasMessageContaining("2 NaN or infinite")
                .hasMessageContaining("row 1, column 1");
    }

    @Test
    void rejectsTruncatedMissingGarbageAndUnsupportedFiles() throws IOException {
        Path truncated = dir.resolve("short.npy");
        writeNpy(truncated, "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 4), }", new byte[12]);
        assertThatThrownBy(() -> CodebookFiles.inspect(truncated))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("(10, 4)")
                .hasMessageContaining(truncated.toString());

        Path missing = dir.resolve("nope.npy");
        assertThatThrownBy(() -> CodebookFiles.inspect(missing))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining(missing.toString());

        Path garbage = dir.resolve("garbage.bin");
        Files.writeString(garbage, "this is not a tensor file at all");
        assertThatThrownBy(() -> CodebookFiles.inspect(garbage))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("neither .npy")
                .hasMessageContaining(garbage.toString());

        Path ints = dir.resolve("ints.npy");
        writeNpy(ints, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", new byte[32]);
        assertThatThrownBy(() -> CodebookFiles.inspect(ints))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("unsupported dtype '<i8'")
                .hasMessageContaining("(2, 2)");

        Path two = dir.resolve("two.safetensors");
        NDArray a = manager.create(VALUES, new Shape(3, 2));
        a.setName("a");
        NDArray b = manager.create(VALUES, new Shape(3, 2));
        b.setName("b");
        write(two, new NDList(a, b), NDList.Encoding.SAFETENSORS);
        assertThatThrownBy(() -> CodebookFiles.inspect(two))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("2 tensors [a, b]")
                .hasMessageContaining("'codebook'");
    }

    private static void write(Path f, NDList list, NDList.Encoding encoding) throws IOException {
        try (OutputStream out = Files.newOutputStream(f)) {
            list.encode(out, encoding);
        }
    }

    /** A version 1.0 .npy file with the given header dictionary and raw data bytes. */
    static void writeNpy(Path f, String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(new byte[] {(byte) (header.length() & 0xff), (byte) (header.length() >>> 8)});
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
