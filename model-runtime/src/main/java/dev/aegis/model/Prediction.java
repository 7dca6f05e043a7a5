package dev.aegis.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The model's answer for one image.
 *
 * @param index         index of the most probable label
 * @param label         the most probable label
 * @param confidence    its probability
 * @param probabilities one probability per label, in card order
 * @param labels        the card's labels
 */
public record Prediction(int index, String label, float confidence, float[] probabilities, List<String> labels) {

    public record Score(String label, float probability) {
    }

    static Prediction of(float[] probabilities, List<String> labels) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return new Prediction(best, labels.get(best), probabilities[best], probabilities, labels);
    }

    public Map<String, Float> probabilitiesByLabel() {
        Map<String, Float> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            m.put(labels.get(i), probabilities[i]);
        }
        return m;
    }

    /** The k most probable labels, most probable first (ties keep card order). */
    public List<Score> topK(int k) {
        return IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -probabilities[i]).thenComparing(i -> i))
                .limit(Math.max(0, k))
                .map(i -> new Score(labels.get(i), probabilities[i]))
                .collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
    }
}
