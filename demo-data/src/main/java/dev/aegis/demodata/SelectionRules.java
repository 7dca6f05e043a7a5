package dev.aegis.demodata;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides which class, if any, an icon name belongs to. Names are split into words at '-' and '_' (trailing
 * digits dropped, so {@code car3} is {@code car}); a class matches when one of its keywords appears as a whole
 * word sequence, so {@code car} matches {@code car-side} but not {@code cart} or {@code card}. Names with an
 * excluded word ({@code off}, {@code slash}, {@code wash}...) never match, and a name matching two classes is
 * dropped as ambiguous. On top of the rules, a reviewed list denies single icons or whole sets and may allow
 * icons whose names say nothing.
 */
public final class SelectionRules {

    public static final String RULES_RESOURCE = "/dev/aegis/demodata/selection-rules.json";
    public static final String REVIEWED_RESOURCE = "/dev/aegis/demodata/reviewed.txt";

    private final Map<String, List<List<String>>> keywords;
    private final Map<String, Set<String>> classExcludes;
    private final Set<String> excludeWords;
    private final Set<String> deniedIcons;
    private final Set<String> deniedSets;
    private final Map<String, String> allowedIcons;

    SelectionRules(Map<String, List<List<String>>> keywords, Map<String, Set<String>> classExcludes,
                   Set<String> excludeWords, Set<String> deniedIcons, Set<String> deniedSets,
                   Map<String, String> allowedIcons) {
        this.keywords = keywords;
        this.classExcludes = classExcludes;
        this.excludeWords = excludeWords;
        this.deniedIcons = deniedIcons;
        this.deniedSets = deniedSets;
        this.allowedIcons = allowedIcons;
    }

    /** The committed rules and reviewed list. */
    public static SelectionRules defaults() {
        try (InputStream rules = SelectionRules.class.getResourceAsStream(RULES_RESOURCE);
             InputStream reviewed = SelectionRules.class.getResourceAsStream(REVIEWED_RESOURCE)) {
            return load(rules, reviewed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SelectionRules load(InputStream rulesJson, InputStream reviewedList) throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(rulesJson);
        Map<String, List<List<String>>> keywords = new LinkedHashMap<>();
        Map<String, Set<String>> classExcludes = new HashMap<>();
        for (Map.Entry<String, JsonNode> c : root.path("classes").properties()) {
            List<List<String>> kws = new ArrayList<>();
            for (JsonNode k : c.getValue().path("keywords")) {
                kws.add(words(k.asString()));
            }
            keywords.put(c.getKey(), kws);
            classExcludes.put(c.getKey(), strings(c.getValue().path("excludeWords")));
        }
        Set<String> excludeWords = strings(root.path("excludeWords"));
        Set<String> deniedIcons = new HashSet<>();
        Set<String> deniedSets = new HashSet<>();
        Map<String, String> allowed = new HashMap<>();
        if (reviewedList != null) {
            BufferedReader r = new BufferedReader(new InputStreamReader(reviewedList, StandardCharsets.UTF_8));
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                int hash = line.indexOf('#');
                String[] parts = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                if (parts.length == 1 && parts[0].isEmpty()) {
                    continue;
                }
                if (parts[0].equals("deny") && parts.length == 2 && parts[1].contains(":")) {
                    if (parts[1].endsWith(":*")) {
                        deniedSets.add(parts[1].substring(0, parts[1].length() - 2));
                    } else {
                        deniedIcons.add(parts[1]);
                    }
                } else if (parts[0].equals("allow") && parts.length == 3 && keywords.containsKey(parts[2])) {
                    allowed.put(parts[1], parts[2]);
                } else {
                    throw new IOException("reviewed list line " + no + ": expected 'deny set:name', 'deny set:*'"
                            + " or 'allow set:name class', got: " + line);
                }
            }
        }
        return new SelectionRules(keywords, classExcludes, excludeWords, deniedIcons, deniedSets, allowed);
    }

    public List<String> labels() {
        return List.copyOf(keywords.keySet());
    }

    public boolean setDenied(String prefix) {
        return deniedSets.contains(prefix);
    }

    /** The class of an icon, or empty when it is not a clear bike, car or ship. */
    public Optional<String> classify(String prefix, String name) {
        String key = prefix + ":" + name;
        if (deniedSets.contains(prefix) || deniedIcons.contains(key)) {
            return Optional.empty();
        }
        String forced = allowedIcons.get(key);
        if (forced != null) {
            return Optional.of(forced);
        }
        return classifyName(name);
    }

    /** Rule-based part only (no reviewed list). */
    public Optional<String> classifyName(String name) {
        List<String> words = words(name);
        for (String w : words) {
            if (excludeWords.contains(w)) {
                return Optional.empty();
            }
        }
        String found = null;
        for (Map.Entry<String, List<List<String>>> c : keywords.entrySet()) {
            Set<String> excl = classExcludes.getOrDefault(c.getKey(), Set.of());
            if (words.stream().anyMatch(excl::contains)) {
                continue;
            }
            if (c.getValue().stream().anyMatch(k -> containsSequence(words, k))) {
                if (found != null) {
                    return Optional.empty(); // e.g. a car ferry: both car and ship
                }
                found = c.getKey();
            }
        }
        return Optional.ofNullable(found);
    }

    static List<String> words(String name) {
        List<String> out = new ArrayList<>();
        for (String w : name.toLowerCase(Locale.ROOT).split("[-_\\s]+")) {
            String stripped = w.replaceAll("\\d+$", "");
            if (!stripped.isEmpty()) {
                out.add(stripped);
            }
        }
        return out;
    }

    private static boolean containsSequence(List<String> words, List<String> seq) {
        for (int i = 0; i + seq.size() <= words.size(); i++) {
            if (words.subList(i, i + seq.size()).equals(seq)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> s = new HashSet<>();
        for (JsonNode n : array) {
            s.addAll(Arrays.asList(n.asString().toLowerCase(Locale.ROOT)));
        }
        return s;
    }
}
