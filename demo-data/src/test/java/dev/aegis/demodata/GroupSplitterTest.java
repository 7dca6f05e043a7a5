package dev.aegis.demodata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class GroupSplitterTest {

    private static Map<String, Map<String, Integer>> sets(int n, long seed) {
        Random rnd = new Random(seed);
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Map<String, Integer> m = new HashMap<>();
            for (String label : new String[]{"bike", "car", "ship"}) {
                if (rnd.nextDouble() < 0.8) {
                    m.put(label, 1 + rnd.nextInt(rnd.nextDouble() < 0.1 ? 60 : 12));
                }
            }
            counts.put("set" + i, m);
        }
        return counts;
    }

    @Test
    void everySetGoesToExactlyOneSplitAndSharesAreNearTheTarget() {
        Map<String, Map<String, Integer>> counts = sets(120, 1);
        Map<String, String> a = GroupSplitter.assign(counts, new double[]{0.8, 0.1, 0.1}, 42);
        assertThat(a).containsOnlyKeys(counts.keySet());
        assertThat(a.values()).allMatch(GroupSplitter.SPLITS::contains);

        Map<String, Map<String, Integer>> perSplit = new TreeMap<>();
        Map<String, Integer> totals = new TreeMap<>();
        counts.forEach((set, m) -> m.forEach((label, n) -> {
            perSplit.computeIfAbsent(a.get(set), k -> new TreeMap<>()).merge(label, n, Integer::sum);
            totals.merge(label, n, Integer::sum);
        }));
        for (String label : totals.keySet()) {
            double train = perSplit.get("train").getOrDefault(label, 0) / (double) totals.get(label);
            double val = perSplit.get("validation").getOrDefault(label, 0) / (double) totals.get(label);
            double test = perSplit.get("test").getOrDefault(label, 0) / (double) totals.get(label);
            System.out.printf("%s: train %.2f validation %.2f test %.2f%n", label, train, val, test);
            assertThat(train).isBetween(0.7, 0.9);
            assertThat(val).isBetween(0.05, 0.15);
            assertThat(test).isBetween(0.05, 0.15);
        }
    }

    @Test
    void deterministicForASeed() {
        Map<String, Map<String, Integer>> counts = sets(60, 2);
        double[] f = {0.8, 0.1, 0.1};
        assertThat(GroupSplitter.assign(counts, f, 5)).isEqualTo(GroupSplitter.assign(counts, f, 5));
        assertThat(GroupSplitter.assign(counts, f, 5)).isNotEqualTo(GroupSplitter.assign(counts, f, 6));
    }
}
