package dev.aegis.demodata;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders the dataset: {@code OUT/<class>/<set>__<icon>__<variant>.png}, plus {@code OUT/splits.json} (the
 * group split by icon set) and {@code OUT/NOTICE.txt} (sources and licences). Every image is seeded from
 * (seed, set, icon, variant) alone, so the output does not depend on the number of threads or on timing.
 */
public final class DatasetGenerator {

    /** Generation settings. {@code balance} spreads variants so every class gets about the same number of images. */
    public record Settings(int size, int perIcon, long seed, int threads, boolean balance, double[] splitFractions) {
        public Settings {
            if (size < 16 || size > 1024) {
                throw new IllegalArgumentException("size must be within 16..1024, got " + size);
            }
            if (perIcon < 1) {
                throw new IllegalArgumentException("per-icon must be at least 1, got " + perIcon);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
        }
    }

    /** What was written. */
    public record Result(Path out, Map<String, Integer> imagesPerLabel, Map<String, Integer> iconsPerLabel,
                         Map<String, Map<String, Integer>> imagesPerSplit, int setsUsed, List<String> skippedIcons,
                         double seconds) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private DatasetGenerator() {
    }

    public static Result generate(Catalogue catalogue, Path out, Settings settings, PrintStream log)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<String> labels = catalogue.icons().stream().map(LabelledIcon::label).distinct().sorted().toList();
        // a new dataset appears under its name only when complete, so a caller that checks for the folder
        // never trains on half a dataset after an interrupted run
        boolean fresh = !Files.exists(out);
        Path work = fresh ? out.resolveSibling(out.getFileName() + ".partial") : out;
        prepare(work, labels);

        Map<String, Integer> iconsPerLabel = catalogue.countsByLabel();
        int[] variants = variantsPerIcon(catalogue.icons(), iconsPerLabel, settings);
        int total = 0;
        for (int v : variants) {
            total += v;
        }
        log.printf("[demo-data] rendering %d images (%s icons, %dx%d) on %d threads into %s%n", total, iconsPerLabel,
                settings.size(), settings.size(), settings.threads(), out);

        AtomicInteger done = new AtomicInteger();
        AtomicInteger nextReport = new AtomicInteger(5);
        int totalImages = total;
        List<String> skipped = Collections.synchronizedList(new ArrayList<>());
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < catalogue.icons().size(); i++) {
                LabelledIcon li = catalogue.icons().get(i);
                int count = variants[i];
                futures.add(pool.submit(() -> {
                    List<String> files = renderIcon(li, count, work, settings, skipped);
                    written.addAll(files);
                    int d = done.addAndGet(count);
                    int pct = (int) (100L * d / Math.max(1, totalImages));
                    int next = nextReport.get();
                    if (pct >= next && nextReport.compareAndSet(next, (pct / 5 + 1) * 5)) {
                        double secs = (System.nanoTime() - start) / 1e9;
                        log.printf("[demo-data] %3d%%  %d/%d images  %.0f s%n", pct, d, totalImages, secs);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("rendering failed", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> files = new ArrayList<>(written);
        Collections.sort(files);
        Map<String, Map<String, Integer>> perSet = new TreeMap<>();
        Map<String, Integer> imagesPerLabel = new TreeMap<>();
        for (String f : files) {
            String label = f.substring(0, f.indexOf('/'));
            String set = setOf(f);
            perSet.computeIfAbsent(set, k -> new TreeMap<>()).merge(label, 1, Integer::sum);
            imagesPerLabel.merge(label, 1, Integer::sum);
        }
        Map<String, String> assignment = GroupSplitter.assign(perSet, settings.splitFractions(), settings.seed());
        Map<String, Map<String, Integer>> perSplit = writeSplits(work, labels, files, assignment, settings);
        Notice.write(work.resolve("NOTICE.txt"), catalogue, perSet);
        if (fresh) {
            Files.move(work, out, StandardCopyOption.ATOMIC_MOVE);
        }
        Collections.sort(skipped);
        double seconds = (System.nanoTime() - start) / 1e9;
        log.printf("[demo-data] wrote %d images %s in %.1f s; splits by icon set %s%n", files.size(), imagesPerLabel,
                seconds, perSplit);
        if (!skipped.isEmpty()) {
            log.println("[demo-data] skipped " + skipped.size() + " icons that did not render: " + skipped);
        }
        return new Result(out, imagesPerLabel, iconsPerLabel, perSplit, perSet.size(), List.copyOf(skipped), seconds);
    }

    /** The set prefix from a file name {@code <label>/<set>__<icon>__<variant>.png}. */
    public static String setOf(String relativeFile) {
        String name = relativeFile.substring(relativeFile.lastIndexOf('/') + 1);
        return name.substring(0, name.indexOf("__"));
    }

    static int[] variantsPerIcon(List<LabelledIcon> icons, Map<String, Integer> iconsPerLabel, Settings s) {
        int[] v = new int[icons.size()];
        if (!s.balance()) {
            java.util.Arrays.fill(v, s.perIcon());
            return v;
        }
        // every class gets perIcon x (mean icons per class) images; within a class, extra variants go to
        // icons picked by a seeded shuffle so no set is favoured
        double mean = iconsPerLabel.values().stream().mapToInt(Integer::intValue).average().orElse(1);
        long perLabelTarget = Math.round(s.perIcon() * mean);
        Map<String, List<Integer>> byLabel = new TreeMap<>();
        for (int i = 0; i < icons.size(); i++) {
            byLabel.computeIfAbsent(icons.get(i).label(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<String, List<Integer>> e : byLabel.entrySet()) {
            List<Integer> idx = new ArrayList<>(e.getValue());
            int n = idx.size();
            long base = Math.max(1, perLabelTarget / n);
            long extra = Math.max(0, perLabelTarget - base * n);
            Collections.shuffle(idx, new Random(s.seed() ^ e.getKey().hashCode()));
            for (int k = 0; k < n; k++) {
                v[idx.get(k)] = (int) (base + (k < extra ? 1 : 0));
            }
        }
        return v;
    }

    private static List<String> renderIcon(LabelledIcon li, int count, Path out, Settings s, List<String> skipped) {
        Icon icon = li.icon();
        SvgRasterizer raster;
        try {
            raster = new SvgRasterizer(icon);
            if (SvgRasterizer.coverage(raster.render(64, 64)) < 0.003) {
                skipped.add(icon.key());
                return List.of();
            }
        } catch (RuntimeException e) {
            skipped.add(icon.key());
            return List.of();
        }
        List<String> files = new ArrayList<>();
        for (int v = 0; v < count; v++) {
            BufferedImage img = Augmenter.compose(raster, li.palette(), s.size(), new Random(seedFor(s.seed(), icon, v)));
            String rel = li.label() + "/" + icon.set() + "__" + safe(icon.name()) + "__" + String.format("%02d", v) + ".png";
            try {
                ImageIO.write(img, "png", out.resolve(rel).toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            files.add(rel);
        }
        return files;
    }

    static long seedFor(long seed, Icon icon, int variant) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : icon.key().getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
        }
        h ^= variant * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        return h;
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Removes images of an earlier run (only this tool's files) so a smaller run does not leave strays. */
    private static void prepare(Path out, List<String> labels) throws IOException {
        Files.createDirectories(out);
        for (String label : labels) {
            Path dir = out.resolve(label);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(p -> p.getFileName().toString().contains("__")
                            && p.toString().endsWith(".png")).toList()) {
                        Files.delete(f);
                    }
                }
            }
            Files.createDirectories(dir);
        }
    }

    private static Map<String, Map<String, Integer>> writeSplits(Path out, List<String> labels, List<String> files,
                                                                 Map<String, String> assignment, Settings s)
            throws IOException {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, List<String>> filesBySplit = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        for (String split : GroupSplitter.SPLITS) {
            groups.put(split, new ArrayList<>());
            filesBySplit.put(split, new ArrayList<>());
            Map<String, Integer> c = new TreeMap<>();
            labels.forEach(l -> c.put(l, 0));
            counts.put(split, c);
        }
        assignment.forEach((set, split) -> groups.get(split).add(set));
        groups.values().forEach(g -> g.sort(Comparator.naturalOrder()));
        for (String f : files) {
            String split = assignment.get(setOf(f));
            filesBySplit.get(split).add(f);
            counts.get(split).merge(f.substring(0, f.indexOf('/')), 1, Integer::sum);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", "aegis-group-split/1");
        doc.put("groupBy", "iconSet");
        doc.put("seed", s.seed());
        doc.put("labels", labels);
        Map<String, Double> fractions = new LinkedHashMap<>();
        for (int i = 0; i < GroupSplitter.SPLITS.size(); i++) {
            fractions.put(GroupSplitter.SPLITS.get(i), s.splitFractions()[i]);
        }
        doc.put("fractions", fractions);
        doc.put("counts", counts);
        doc.put("groups", groups);
        doc.put("files", filesBySplit);
        Files.writeString(out.resolve("splits.json"), JSON.writeValueAsString(doc));
        return counts;
    }
}
