package dev.aegis.demodata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelectionCacheTest {

    @TempDir
    Path cache;

    @Test
    void roundTripsTheSelection() throws Exception {
        Catalogue c = Fixtures.catalogue();
        assertThat(SelectionCache.read(cache)).isEmpty();
        SelectionCache.write(cache, c);
        assertThat(SelectionCache.file(cache).getFileName().toString())
                .startsWith("demo-data-selection-" + IconifyPackage.VERSION + "-");
        assertThat(SelectionCache.read(cache)).contains(c);
    }

    @Test
    void ignoresACorruptCacheFile() throws Exception {
        Files.writeString(SelectionCache.file(cache), "{not json");
        assertThat(SelectionCache.read(cache)).isEmpty();
    }
}
