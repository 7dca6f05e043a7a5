package dev.aegis.demodata;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar demo-data.jar --out DIR}: builds the Bike / Car / Ship demo dataset. */
@Command(name = "demo-data", mixinStandardHelpOptions = true, version = "demo-data (@iconify/json " + IconifyPackage.VERSION + ")",
        sortOptions = false,
        description = {"Builds the Bike / Car / Ship demo dataset: icon and emoji artwork from the npm package",
                "@iconify/json (fetched once into the cache), rendered with heavy augmentation into",
                "OUT/{bike,car,ship}/*.png, with OUT/splits.json (split by icon set) and OUT/NOTICE.txt."},
        subcommands = {DemoDataCommand.ContactSheetCommand.class, DemoDataCommand.PreviewCommand.class})
public final class DemoDataCommand implements Callable<Integer> {

    @CommandLine.Mixin
    Source source = new Source();

    @Option(names = "--out", description = "output folder (one sub-folder per class); required unless a subcommand is given")
    Path out;

    @Option(names = "--size", defaultValue = "64", description = "image side in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--per-icon", defaultValue = "4", description = "images per icon (average when balancing; default ${DEFAULT-VALUE})")
    int perIcon;

    @Option(names = "--seed", defaultValue = "42", description = "random seed; same seed, same images (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", description = "rendering threads (default: available processors)")
    Integer threads;

    @Option(names = "--no-balance", negatable = false,
            description = "exactly --per-icon images per icon, instead of the same number of images per class")
    boolean noBalance;

    @Option(names = "--max-icons-per-class", description = "keep at most this many icons per class (quick runs)")
    Integer maxIconsPerClass;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new DemoDataCommand()).execute(args));
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.err;
        if (out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: --out");
        }
        Catalogue catalogue = source.catalogue(log);
        if (maxIconsPerClass != null) {
            catalogue = Source.limit(catalogue, maxIconsPerClass, seed);
        }
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        DatasetGenerator.Result r = DatasetGenerator.generate(catalogue, out,
                new DatasetGenerator.Settings(size, perIcon, seed, t, !noBalance, new double[]{0.8, 0.1, 0.1}), log);
        // one machine-readable line on stdout for ./aegis
        System.out.printf("{\"out\":\"%s\",\"images\":%d,\"imagesPerClass\":%s,\"iconsPerClass\":%s,\"sets\":%d,\"seconds\":%.1f}%n",
                r.out().toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\""),
                r.imagesPerLabel().values().stream().mapToInt(Integer::intValue).sum(),
                json(r.imagesPerLabel()), json(r.iconsPerLabel()), r.setsUsed(), r.seconds());
        return 0;
    }

    private static String json(java.util.Map<String, Integer> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return sb.append('}').toString();
    }

    /** Where the icon sets come from. */
    static final class Source {
        @Option(names = "--cache", defaultValue = ".aegis/cache",
                description = "cache folder for the @iconify/json tarball (default ${DEFAULT-VALUE})")
        Path cache;

        @Option(names = "--iconify", description = "use this @iconify/json tarball (.tgz, integrity still checked) or a folder of set JSON files instead of fetching")
        Path iconify;

        Catalogue catalogue(PrintStream log) throws Exception {
            SelectionRules rules = SelectionRules.defaults();
            long t0 = System.nanoTime();
            Catalogue c;
            if (iconify != null && Files.isDirectory(iconify)) {
                c = Catalogue.fromDirectory(iconify, rules, log);
            } else {
                Path tgz = iconify;
                if (tgz == null) {
                    var cached = SelectionCache.read(cache);
                    if (cached.isPresent()) {
                        log.println("[demo-data] using the cached icon selection " + SelectionCache.file(cache));
                        log.println("[demo-data] selected " + cached.get().countsByLabel() + " icons from "
                                + cached.get().usedSets().size() + " sets");
                        return cached.get();
                    }
                    tgz = IconifyPackage.ensure(cache, log);
                } else if (!IconifyPackage.matchesIntegrity(tgz, IconifyPackage.INTEGRITY)) {
                    throw new IllegalArgumentException(tgz + " is not " + IconifyPackage.NAME + "@" + IconifyPackage.VERSION
                            + " (integrity mismatch)");
                }
                log.println("[demo-data] reading icon sets from " + tgz);
                c = Catalogue.fromTarball(tgz, rules, log);
                if (iconify == null) {
                    SelectionCache.write(cache, c);
                }
            }
            log.printf("[demo-data] icon selection took %.1f s%n", (System.nanoTime() - t0) / 1e9);
            return c;
        }

        static Catalogue limit(Catalogue c, int max, long seed) {
            java.util.List<LabelledIcon> kept = new java.util.ArrayList<>();
            for (String label : c.countsByLabel().keySet()) {
                java.util.List<LabelledIcon> of = new java.util.ArrayList<>(
                        c.icons().stream().filter(i -> i.label().equals(label)).toList());
                java.util.Collections.shuffle(of, new java.util.Random(seed));
                kept.addAll(of.subList(0, Math.min(max, of.size())));
            }
            kept.sort(java.util.Comparator.comparing((LabelledIcon i) -> i.icon().set()).thenComparing(i -> i.icon().name()));
            return new Catalogue(java.util.List.copyOf(kept), c.usedSets(), c.rejectedSets());
        }
    }

    @Command(name = "preview", mixinStandardHelpOptions = true,
            description = "Draws a sample of a generated dataset, one band per class, into one PNG.")
    static final class PreviewCommand implements Callable<Integer> {
        @Option(names = "--dataset", required = true, description = "a folder written by demo-data")
        Path dataset;

        @Option(names = "--out", required = true, description = "PNG file to write")
        Path out;

        @Option(names = "--per-class", defaultValue = "32")
        int perClass;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() throws Exception {
            ContactSheet.preview(dataset, out, perClass, seed);
            return 0;
        }
    }

    @Command(name = "contact-sheet", mixinStandardHelpOptions = true,
            description = "Draws every selected icon per class on review pages (OUT/<class>-NN.png + OUT/<class>.txt).")
    static final class ContactSheetCommand implements Callable<Integer> {
        @CommandLine.Mixin
        Source source = new Source();

        @Option(names = "--out", required = true, description = "folder for the pages")
        Path out;

        @Option(names = "--columns", defaultValue = "16")
        int columns;

        @Option(names = "--rows", defaultValue = "12")
        int rows;

        @Override
        public Integer call() throws Exception {
            ContactSheet.write(source.catalogue(System.err), out, columns, rows, System.err);
            return 0;
        }
    }
}
