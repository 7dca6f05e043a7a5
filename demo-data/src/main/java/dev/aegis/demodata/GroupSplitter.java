package dev.aegis.demodata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Assigns whole icon sets to train / validation / test. Icons of one set share a drawing style, so a random
 * split would let the model recognise styles it has already seen; keeping each set in one split measures
 * how well it recognises the object in an unseen style. Sets are visited in a seeded random order and each
 * goes to the split where it best closes the gap to the target fractions, per class.
 */
public final class GroupSplitter {

    public static final List<String> SPLITS = List.of("train", "validation", "test");

    private GroupSplitter() {
    }

    /**
     * @param counts    images (or icons) per set, per class
     * @param fractions target share of train, validation, test (sums to 1)
     * @return split name per set
     */
    public static Map<String, String> assign(Map<String, Map<String, Integer>> counts, double[] fractions, long seed) {
        if (fractions.length != SPLITS.size()) {
            throw new IllegalArgumentException("need " + SPLITS.size() + " fractions");
        }
        Map<String, Integer> totals = new TreeMap<>();
        counts.values().forEach(m -> m.forEach((label, n) -> totals.merge(label, n, Integer::sum)));
        List<String> labels = new ArrayList<>(totals.keySet());
        double[][] current = new double[SPLITS.size()][labels.size()];

        List<String> sets = new ArrayList<>(new TreeMap<>(counts).keySet());
        Collections.shuffle(sets, new Random(seed));
        Map<String, String> out = new TreeMap<>();
        for (String set : sets) {
            double[] add = new double[labels.size()];
            for (int c = 0; c < labels.size(); c++) {
                add[c] = counts.get(set).getOrDefault(labels.get(c), 0);
            }
            int best = 0;
            double bestDelta = Double.POSITIVE_INFINITY;
            for (int s = 0; s < SPLITS.size(); s++) {
                double delta = 0;
                for (int c = 0; c < labels.size(); c++) {
                    double target = fractions[s] * totals.get(labels.get(c));
                    double norm = Math.max(1, totals.get(labels.get(c)));
                    double before = (current[s][c] - target) / norm;
                    double after = (current[s][c] + add[c] - target) / norm;
                    delta += after * after - before * before;
                }
                if (delta < bestDelta) {
                    bestDelta = delta;
                    best = s;
                }
            }
            for (int c = 0; c < labels.size(); c++) {
                current[best][c] += add[c];
            }
            out.put(set, SPLITS.get(best));
        }
        return out;
    }
}
