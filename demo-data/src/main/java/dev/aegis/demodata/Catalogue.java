package dev.aegis.demodata;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The icons chosen for each class from a collection of Iconify sets, plus the sets they come from and the
 * sets left out for their licence. Icons are sorted by set and name so that everything downstream is
 * reproducible.
 */
public record Catalogue(List<LabelledIcon> icons, Map<String, SetInfo> usedSets, Map<String, SetInfo> rejectedSets) {

    /** Picks the icons of one set. Aliases are resolved; one drawing reachable under several names counts once. */
    public static List<LabelledIcon> select(IconSet set, SelectionRules rules) {
        List<LabelledIcon> out = new ArrayList<>();
        if (!LicencePolicy.allowed(set.licenceSpdx()) || rules.setDenied(set.prefix())) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        // real icons before aliases, so a drawing is named by its own name rather than an alias
        List<String> names = new ArrayList<>(set.icons().keySet().stream().sorted().toList());
        names.addAll(set.aliases().keySet().stream().sorted().toList());
        for (String name : names) {
            Optional<String> label = rules.classify(set.prefix(), name);
            if (label.isEmpty()) {
                continue;
            }
            Optional<Icon> icon = set.resolve(name);
            if (icon.isPresent() && seen.add(icon.get().drawingKey())) {
                out.add(new LabelledIcon(label.get(), icon.get(), set.palette()));
            }
        }
        return out;
    }

    /** Reads every {@code json/*.json} set of an {@code @iconify/json} tarball. */
    public static Catalogue fromTarball(Path tgz, SelectionRules rules, PrintStream log) throws IOException {
        Builder b = new Builder(rules);
        TarGzReader.read(tgz, p -> p.startsWith("package/json/") && p.endsWith(".json"),
                (path, content) -> b.add(IconSetParser.parse(content)));
        return b.build(log);
    }

    /** Reads every {@code *.json} set in a folder (tests, or an unpacked package's {@code json/}). */
    public static Catalogue fromDirectory(Path dir, SelectionRules rules, PrintStream log) throws IOException {
        Builder b = new Builder(rules);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                b.add(IconSetParser.parse(Files.readAllBytes(f)));
            }
        }
        return b.build(log);
    }

    public Map<String, Integer> countsByLabel() {
        Map<String, Integer> counts = new TreeMap<>();
        icons.forEach(i -> counts.merge(i.label(), 1, Integer::sum));
        return counts;
    }

    private static final class Builder {
        private final SelectionRules rules;
        private final List<LabelledIcon> icons = new ArrayList<>();
        private final TreeMap<String, SetInfo> used = new TreeMap<>();
        private final TreeMap<String, SetInfo> rejected = new TreeMap<>();

        Builder(SelectionRules rules) {
            this.rules = rules;
        }

        void add(IconSet set) {
            if (!LicencePolicy.allowed(set.licenceSpdx())) {
                rejected.put(set.prefix(), SetInfo.of(set));
                return;
            }
            List<LabelledIcon> chosen = select(set, rules);
            if (!chosen.isEmpty()) {
                icons.addAll(chosen);
                used.put(set.prefix(), SetInfo.of(set));
            }
        }

        Catalogue build(PrintStream log) {
            icons.sort(Comparator.comparing((LabelledIcon i) -> i.icon().set()).thenComparing(i -> i.icon().name()));
            Catalogue c = new Catalogue(List.copyOf(icons), Collections.unmodifiableSortedMap(used), Collections.unmodifiableSortedMap(rejected));
            log.println("[demo-data] selected " + c.countsByLabel() + " icons from " + used.size() + " sets ("
                    + rejected.size() + " sets skipped for their licence)");
            return c;
        }
    }
}
