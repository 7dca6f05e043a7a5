package dev.aegis.inference.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import dev.aegis.testsupport.TestFiles;

class ZipEntriesTest {

    @Test
    void unsafeNamesAreRecognised() {
        assertThat(ZipEntries.isTraversal("../a.png")).isTrue();
        assertThat(ZipEntries.isTraversal("dir/../../a.png")).isTrue();
        assertThat(ZipEntries.isTraversal("/etc/passwd")).isTrue();
        assertThat(ZipEntries.isTraversal("..\\..\\a.png")).isTrue();
        assertThat(ZipEntries.isTraversal("C:/Windows/a.png")).isTrue();
        assertThat(ZipEntries.isTraversal("photos/a..b.png")).isFalse();
        assertThat(ZipEntries.isTraversal("photos/a.png")).isFalse();
    }

    @Test
    void readsEntriesAndSkipsFoldersAndMacMetadata() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("photos/a.png", TestFiles.png(4, 4, 1));
        entries.put("__MACOSX/photos/._a.png", new byte[] {1, 2});
        assertThat(ZipEntries.read(TestFiles.zip(entries), 10, 1 << 20, 1 << 20))
                .extracting(ZipEntries.Entry::name).containsExactly("photos/a.png");
    }

    @Test
    void inflatedBytesAreCountedNotTheHeaders() {
        byte[] bomb = TestFiles.zip(Map.of("zeros.bin", new byte[4 * 1024 * 1024]));
        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThatThrownBy(() -> ZipEntries.read(bomb, 10, 10L << 20, 1 << 20))
                .isInstanceOfSatisfying(RejectedUploadException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
    }

    @Test
    void notAZipIsUnprocessable() {
        assertThatThrownBy(() -> ZipEntries.read(TestFiles.text(), 10, 1 << 20, 1 << 20))
                .isInstanceOf(RejectedUploadException.class);
    }
}
