package dev.aegis.demodata;

import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;

final class Fixtures {

    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private Fixtures() {
    }

    static Path sets() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/sets").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Catalogue catalogue() throws Exception {
        return Catalogue.fromDirectory(sets(), SelectionRules.defaults(), QUIET);
    }
}
