package dev.aegis.trainer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import dev.aegis.model.ModelCard;
import dev.aegis.model.image.ImageDecoder;
import dev.aegis.model.image.ImageRejectedException;
import dev.aegis.model.image.Pixels;
import dev.aegis.model.train.Dataset;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Loads training data: a folder per class, or IDX files (MNIST / Fashion-MNIST). */
public final class DataLoaders {

    public static final List<String> FASHION_MNIST_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final java.util.Set<String> IMAGE_EXTENSIONS = java.util.Set.of("png", "jpg", "jpeg", "bmp", "gif",
            "webp", "tif", "tiff");

    private DataLoaders() {
    }

    /** Train / validation / test. */
    public record Splits(Dataset train, Dataset validation, Dataset test, String splitMethod) {
    }

    /**
     * Folder per class ({@code root/<label>/*.png}), labels sorted by name. When the folder holds a
     * {@code splits.json} (format {@code aegis-group-split/1}, written by demo-data) and
     * {@code useGroupSplit} is set, its split is used; otherwise a stratified seeded 80/10/10 split.
     */
    public static Splits folder(Path root, ModelCard.Input input, long seed, boolean useGroupSplit, PrintProgress log)
            throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("dataset folder does not exist: " + root);
        }
        List<String> labels;
        try (Stream<Path> s = Files.list(root)) {
            labels = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
        if (labels.size() < 2) {
            throw new IllegalArgumentException("need at least two class folders in " + root + ", found " + labels);
        }
        Map<String, List<String>> filesByLabel = new LinkedHashMap<>();
        for (String label : labels) {
            try (Stream<Path> s = Files.list(root.resolve(label))) {
                filesByLabel.put(label, s.filter(Files::isRegularFile)
                        .map(p -> label + "/" + p.getFileName())
                        .filter(f -> IMAGE_EXTENSIONS.contains(ext(f)))
                        .sorted(Comparator.naturalOrder()).toList());
            }
        }
        Path splitsFile = root.resolve("splits.json");
        Map<String, List<String>> assigned = null;
        if (useGroupSplit && Files.isRegularFile(splitsFile)) {
            JsonNode doc = JsonMapper.builder().build().readTree(Files.readString(splitsFile));
            if ("aegis-group-split/1".equals(doc.path("format").asString(""))) {
                assigned = new LinkedHashMap<>();
                for (String split : List.of("train", "validation", "test")) {
                    List<String> files = new ArrayList<>();
                    doc.path("files").path(split).forEach(n -> files.add(n.asString()));
                    assigned.put(split, files);
                }
            }
        }
        String method;
        if (assigned == null) {
            method = "stratified 80/10/10, seed " + seed;
            assigned = new LinkedHashMap<>();
            assigned.put("train", new ArrayList<>());
            assigned.put("validation", new ArrayList<>());
            assigned.put("test", new ArrayList<>());
            SplittableRandom random = new SplittableRandom(seed);
            for (String label : labels) {
                List<String> files = new ArrayList<>(filesByLabel.get(label));
                shuffle(files, random);
                int n = files.size();
                int nTest = Math.max(n >= 3 ? 1 : 0, (int) Math.round(n * 0.1));
                int nVal = Math.max(n >= 3 ? 1 : 0, (int) Math.round(n * 0.1));
                assigned.get("test").addAll(files.subList(0, nTest));
                assigned.get("validation").addAll(files.subList(nTest, nTest + nVal));
                assigned.get("train").addAll(files.subList(nTest + nVal, n));
            }
        } else {
            method = "group split from splits.json";
        }
        ImageDecoder decoder = new ImageDecoder();
        Dataset train = loadFiles(root, assigned.get("train"), labels, input, decoder, log, "train");
        Dataset val = loadFiles(root, assigned.get("validation"), labels, input, decoder, log, "validation");
        Dataset test = loadFiles(root, assigned.get("test"), labels, input, decoder, log, "test");
        if (train.size() == 0 || val.size() == 0 || test.size() == 0) {
            throw new IllegalArgumentException("a split is empty (train " + train.size() + ", validation " + val.size()
                    + ", test " + test.size() + "): add images");
        }
        return new Splits(train, val, test, method);
    }

    private static Dataset loadFiles(Path root, List<String> files, List<String> labels, ModelCard.Input input,
            ImageDecoder decoder, PrintProgress log, String what) throws IOException {
        List<float[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < files.size(); i++) {
            String f = files.get(i);
            int label = labels.indexOf(f.substring(0, f.indexOf('/')));
            if (label < 0) {
                continue;
            }
            try {
                x.add(Pixels.preprocess(decoder.decode(Files.readAllBytes(root.resolve(f))), input));
                y.add(label);
            } catch (ImageRejectedException e) {
                skipped++;
            }
            if ((i + 1) % 500 == 0 || i + 1 == files.size()) {
                log.bar("loading " + what, i + 1, files.size(), "");
            }
        }
        log.endBar();
        if (skipped > 0) {
            log.line("skipped " + skipped + " unreadable images in " + what);
        }
        return new Dataset(x.toArray(new float[0][]), y.stream().mapToInt(Integer::intValue).toArray(),
                input.height(), input.width(), input.channels(), labels);
    }

    /**
     * IDX files as in MNIST / Fashion-MNIST ({@code train-images-idx3-ubyte.gz} ...). The test
     * files are the test split; the last {@code validationCount} training images (after a seeded
     * shuffle) are the validation split.
     */
    public static Splits idx(Path dir, List<String> labels, int validationCount, long seed, int limitTrain)
            throws IOException {
        float[][] trainX = readImages(find(dir, "train-images"));
        int[] trainY = readLabels(find(dir, "train-labels"));
        float[][] testX = readImages(find(dir, "t10k-images"));
        int[] testY = readLabels(find(dir, "t10k-labels"));
        int side = (int) Math.round(Math.sqrt(trainX[0].length));
        Dataset all = new Dataset(trainX, trainY, side, side, 1, labels);
        int[] order = new int[all.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nVal = Math.min(validationCount, all.size() / 5);
        int nTrain = all.size() - nVal;
        if (limitTrain > 0) {
            nTrain = Math.min(nTrain, limitTrain);
        }
        Dataset val = all.subset(java.util.Arrays.copyOfRange(order, all.size() - nVal, all.size()));
        Dataset train = all.subset(java.util.Arrays.copyOfRange(order, 0, nTrain));
        Dataset test = new Dataset(testX, testY, side, side, 1, labels);
        return new Splits(train, val, test, "IDX: train/t10k files, " + nVal + " validation images held out, seed " + seed);
    }

    private static Path find(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + prefix + "* file in " + dir));
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : new java.io.BufferedInputStream(in);
    }

    static float[][] readImages(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(open(file))) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IllegalArgumentException(file + " is not an IDX image file (magic " + Integer.toHexString(magic) + ")");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] buf = new byte[rows * cols];
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                float[] x = new float[buf.length];
                for (int j = 0; j < buf.length; j++) {
                    x[j] = (buf[j] & 0xff) / 255f;
                }
                out[i] = x;
            }
            return out;
        }
    }

    static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(open(file))) {
            int magic = in.readInt();
            if (magic != 0x00000801) {
                throw new IllegalArgumentException(file + " is not an IDX label file");
            }
            int n = in.readInt();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = in.readUnsignedByte();
            }
            return out;
        }
    }

    private static String ext(String f) {
        int dot = f.lastIndexOf('.');
        return dot < 0 ? "" : f.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
