package io.github.vqlc.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.junit.jupiter.api.Test;

class IoErrorsTest {
    @Test
    void fileSystemErrorsNameThePathAndTheReasonInWords() {
        assertThat(IoErrors.describe(new AccessDeniedException("runs/x"))).isEqualTo("runs/x: access denied");
        assertThat(IoErrors.describe(new NotDirectoryException("a/b"))).isEqualTo("a/b: not a directory");
        assertThat(IoErrors.describe(new NoSuchFileException("c"))).isEqualTo("c: no such file or directory");
        assertThat(IoErrors.describe(new FileAlreadyExistsException("d"))).isEqualTo("d: file already exists");
        assertThat(IoErrors.describe(new FileSystemException("e", "f", "Read-only file system")))
                .isEqualTo("e -> f: Read-only file system");
    }

    @Test
    void otherErrorsKeepTheirMessage() {
        assertThat(IoErrors.describe(new IOException("No space left on device")))
                .isEqualTo("No space left on device");
        assertThat(IoErrors.describe(new IOException())).isEqualTo("I/O error");
    }
}
