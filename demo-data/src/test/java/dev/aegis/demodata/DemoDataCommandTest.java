package dev.aegis.demodata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class DemoDataCommandTest {

    @TempDir
    Path tmp;

    @Test
    void generatesFromAFolderOfSetsAndPrintsASummaryLine() throws Exception {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new DemoDataCommand()).execute("--iconify", Fixtures.sets().toString(),
                    "--out", tmp.resolve("ds").toString(), "--size", "24", "--per-icon", "1", "--seed", "3",
                    "--threads", "2", "--no-balance");
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("\"images\":11", "\"imagesPerClass\":{\"bike\":5,\"car\":3,\"ship\":3}");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("[demo-data] 100%");
        assertThat(tmp.resolve("ds/splits.json")).exists();
        assertThat(tmp.resolve("ds/NOTICE.txt")).exists();
        try (var files = Files.list(tmp.resolve("ds/car"))) {
            assertThat(files.count()).isEqualTo(3);
        }
    }

    @Test
    void refusesToRunWithoutAnOutputFolder() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new DemoDataCommand()).setErr(new PrintWriter(err))
                .execute("--iconify", Fixtures.sets().toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--out");
    }
}
