package io.github.vqlc.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vqlc.core.UserException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    @TempDir
    Path tmp;

    private static Path write(Path file, int k, int count) {
        TokenFile.Header h = new TokenFile.Header(k, 2, 3, count, 10);
        try (TokenFile.Writer w = TokenFile.create(file, h)) {
            for (int i = 0; i < count; i++) {
                long[] codes = new long[6];
                for (int j = 0; j < 6; j++) {
                    codes[j] = (i * 7L + j * 1000L) % k;
                }
                w.append(codes, new int[] {i % 10}, 1);
            }
            w.commit();
        }
        return file;
    }

    @Test
    void roundTripsInt16AndInt32CodesAndLabels() throws Exception {
        for (int k : new int[] {1024, 32767, 32768, 100_000}) {
            Path f = write(tmp.resolve("t" + k + ".vqt"), k, 25);
            int width = k <= 32767 ? 2 : 4;
            assertThat(Files.size(f)).isEqualTo(32 + 25L * 6 * width + 4 * 25);
            try (TokenFile t = TokenFile.open(f)) {
                assertThat(t.header()).isEqualTo(new TokenFile.Header(k, 2, 3, 25, 10));
                long[] got = new long[6];
                for (int i = 0; i < 25; i++) {
                    t.codes(i, got, 0);
                    long[] want = new long[6];
                    for (int j = 0; j < 6; j++) {
                        want[j] = (i * 7L + j * 1000L) % k;
                    }
                    assertThat(got).as("image %d, K=%d", i, k).isEqualTo(want);
                    assertThat(t.label(i)).isEqualTo(i % 10);
                }
            }
        }
    }

    @Test
    void headerBytesAreTheDocumentedLittleEndianLayout() throws Exception {
        Path f = write(tmp.resolve("h.vqt"), 512, 3);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(Arrays.copyOf(b.array(), 4), "ISO-8859-1")).isEqualTo("VQTK");
        assertThat(new int[] {
                    b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20), b.getInt(24), b.getInt(28)
                })
                .containsExactly(1, 512, 2, 3, 3, 10, 2);
        assertThat(b.getShort(32 + 2 * 7)).isEqualTo((short) ((1 * 7 + 1 * 1000) % 512)); // image 1, code 1
        assertThat(b.getInt(32 + 3 * 6 * 2 + 4 * 2)).isEqualTo(2); // label of image 2
    }

    @Test
    void truncatedAndCorruptFilesAreUserErrors() throws Exception {
        Path f = write(tmp.resolve("c.vqt"), 512, 5);
        byte[] all = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.vqt");
        Files.write(cut, Arrays.copyOf(all, all.length - 3));
        assertThatThrownBy(() -> TokenFile.open(cut))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining(cut.toString());
        Files.write(cut, Arrays.copyOf(all, 10));
        assertThatThrownBy(() -> TokenFile.open(cut))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("truncated");
        byte[] bad = all.clone();
        bad[0] = 'X';
        Files.write(cut, bad);
        assertThatThrownBy(() -> TokenFile.open(cut))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("magic");
        bad = all.clone();
        bad[32] = (byte) 0xFF; // code 0 of image 0 -> 0x??FF > 512 or negative
        bad[33] = (byte) 0x7F;
        Files.write(cut, bad);
        try (TokenFile t = TokenFile.open(cut)) {
            assertThatThrownBy(() -> t.codes(0, new long[6], 0))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("corrupt")
                    .hasMessageContaining("outside [0, 512)");
        }
        assertThatThrownBy(() -> TokenFile.open(tmp.resolve("missing.vqt")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void anUncommittedWriterLeavesNoFileAndKeepsAnExistingOne() throws Exception {
        Path f = write(tmp.resolve("keep.vqt"), 64, 4);
        byte[] before = Files.readAllBytes(f);
        try (TokenFile.Writer w = TokenFile.create(f, new TokenFile.Header(64, 2, 3, 4, 10))) {
            w.append(new long[6], new int[] {0}, 1);
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        try (var s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                            .count())
                    .isZero();
        }
    }
}
