package dev.aegis.demodata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading the whole tarball (480 MB of JSON) takes about a minute on two cores; the icons it yields fit in a
 * few MB. The selection is cached next to the tarball, keyed by the package version and the exact rules and
 * reviewed list, so editing either invalidates it.
 */
final class SelectionCache {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SelectionCache() {
    }

    static Path file(Path cacheDir) {
        return cacheDir.resolve("demo-data-selection-" + IconifyPackage.VERSION + "-" + rulesHash() + ".json");
    }

    static Optional<Catalogue> read(Path cacheDir) {
        Path f = file(cacheDir);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), Catalogue.class));
        } catch (JacksonException e) {
            return Optional.empty(); // unreadable: rebuild it
        }
    }

    static void write(Path cacheDir, Catalogue catalogue) throws IOException {
        Path f = file(cacheDir);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), catalogue);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
    }

    static String rulesHash() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(IconifyPackage.INTEGRITY.getBytes(StandardCharsets.UTF_8));
            for (String r : new String[]{SelectionRules.RULES_RESOURCE, SelectionRules.REVIEWED_RESOURCE}) {
                try (InputStream in = SelectionCache.class.getResourceAsStream(r)) {
                    md.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
