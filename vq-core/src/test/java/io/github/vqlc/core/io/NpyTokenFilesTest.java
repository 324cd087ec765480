package io.github.vqlc.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTokenFilesTest {

    @TempDir
    Path dir;

    @Test
    void codesAndLabelsAreInt64ArraysOfTheGridShape() throws Exception {
        Path codes = dir.resolve("tokens-test.npy");
        Path labels = NpyTokenFiles.labelsBeside(codes);
        assertThat(labels.getFileName().toString()).isEqualTo("labels-test.npy");
        TokenFile.Header header = new TokenFile.Header(70_000, 2, 3, 3, 10);
        try (TokenWriter w = NpyTokenFiles.create(codes, labels, header)) {
            w.append(new long[] {0, 1, 2, 3, 4, 5, 69_999, 7, 8, 9, 10, 11}, new int[] {7, 2}, 2);
            w.append(new long[] {12, 13, 14, 15, 16, 17}, new int[] {9}, 1);
            w.commit();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ArrayLayout c = NpyFiles.inspect(codes);
            assertThat(c.shape()).isEqualTo(new Shape(3, 2, 3));
            assertThat(c.dataType()).isEqualTo(DataType.INT64);
            long[] values = c.read(m, "codes").toLongArray();
            assertThat(values[6]).isEqualTo(69_999);
            assertThat(values[17]).isEqualTo(17);
            ArrayLayout l = NpyFiles.inspect(labels);
            assertThat(l.shape()).isEqualTo(new Shape(3));
            assertThat(l.read(m, "labels").toLongArray()).containsExactly(7, 2, 9);
        }
        try (var files = assertThatDirectory()) {
            assertThat(files).containsExactlyInAnyOrder("tokens-test.npy", "labels-test.npy");
        }
    }

    @Test
    void withoutCommitNothingIsLeftAndACodeOutsideTheCodebookIsRefused() throws Exception {
        Path codes = dir.resolve("tokens-train.npy");
        TokenFile.Header header = new TokenFile.Header(4, 1, 2, 2, 2);
        try (TokenWriter w = NpyTokenFiles.create(codes, NpyTokenFiles.labelsBeside(codes), header)) {
            assertThatThrownBy(() -> w.append(new long[] {1, 4}, new int[] {0}, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("code 4 outside [0, 4)");
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    private Stream<String> assertThatDirectory() throws IOException {
        return Files.list(dir).map(p -> p.getFileName().toString());
    }
}
