package dev.aegis.demodata;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DatasetGeneratorTest {

    @TempDir
    Path tmp;

    private static DatasetGenerator.Settings settings(int threads, boolean balance) {
        return new DatasetGenerator.Settings(32, 2, 11, threads, balance, new double[]{0.4, 0.3, 0.3});
    }

    @Test
    void writesFolderPerClassSplitsAndNotice() throws Exception {
        Path out = tmp.resolve("out");
        DatasetGenerator.Result r = DatasetGenerator.generate(Fixtures.catalogue(), out, settings(2, false), Fixtures.QUIET);

        assertThat(r.imagesPerLabel()).isEqualTo(Map.of("bike", 10, "car", 6, "ship", 6));
        assertThat(tmp.resolve("out.partial")).as("work folder renamed when complete").doesNotExist();
        assertThat(r.skippedIcons()).isEmpty();
        for (String label : List.of("bike", "car", "ship")) {
            try (Stream<Path> files = Files.list(out.resolve(label))) {
                List<Path> pngs = files.toList();
                assertThat(pngs).hasSize(r.imagesPerLabel().get(label));
                BufferedImage img = ImageIO.read(pngs.get(0).toFile());
                assertThat(img.getWidth()).isEqualTo(32);
                assertThat(img.getHeight()).isEqualTo(32);
            }
        }

        JsonNode splits = JsonMapper.builder().build().readTree(out.resolve("splits.json").toFile());
        assertThat(splits.path("format").asString()).isEqualTo("aegis-group-split/1");
        Map<String, String> setToSplit = new HashMap<>();
        List<String> allFiles = new ArrayList<>();
        for (String split : GroupSplitter.SPLITS) {
            for (JsonNode set : splits.path("groups").path(split)) {
                assertThat(setToSplit.put(set.asString(), split)).as("set " + set + " in two splits").isNull();
            }
            for (JsonNode f : splits.path("files").path(split)) {
                String file = f.asString();
                assertThat(setToSplit.get(DatasetGenerator.setOf(file))).isEqualTo(split);
                assertThat(out.resolve(file)).exists();
                allFiles.add(file);
            }
        }
        assertThat(setToSplit).containsOnlyKeys("alpha", "delta", "gamma");
        assertThat(allFiles).hasSize(22).doesNotHaveDuplicates();

        String notice = Files.readString(out.resolve("NOTICE.txt"));
        assertThat(notice).contains("Gamma Studio").contains("CC-BY-SA-4.0").contains("attribution")
                .contains("Alpha Author").contains("@iconify/json@" + IconifyPackage.VERSION)
                .doesNotContain("Beta Author").contains("beta (CC-BY-NC-4.0)");
    }

    @Test
    void sameSeedSameBytesWhateverTheThreadCount() throws Exception {
        Catalogue c = Fixtures.catalogue();
        DatasetGenerator.generate(c, tmp.resolve("a"), settings(1, true), Fixtures.QUIET);
        DatasetGenerator.generate(c, tmp.resolve("b"), settings(3, true), Fixtures.QUIET);
        assertThat(digests(tmp.resolve("b"))).isEqualTo(digests(tmp.resolve("a")));
    }

    @Test
    void balancingGivesEveryClassAboutTheSameNumberOfImages() throws Exception {
        DatasetGenerator.Result r = DatasetGenerator.generate(Fixtures.catalogue(), tmp.resolve("bal"),
                settings(2, true), Fixtures.QUIET);
        // mean icons per class = 11/3, x2 per icon = 7 images per class
        assertThat(r.imagesPerLabel()).isEqualTo(Map.of("bike", 7, "car", 7, "ship", 7));

        // a second, smaller run into the same folder leaves no images of the first behind
        DatasetGenerator.generate(Fixtures.catalogue(), tmp.resolve("bal"),
                new DatasetGenerator.Settings(32, 1, 11, 2, false, new double[]{0.4, 0.3, 0.3}), Fixtures.QUIET);
        try (Stream<Path> files = Files.walk(tmp.resolve("bal"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(11);
        }
    }

    private static Map<String, String> digests(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
                out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(d));
            }
        }
        return out;
    }
}
