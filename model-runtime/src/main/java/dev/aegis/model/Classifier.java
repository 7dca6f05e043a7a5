package dev.aegis.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What attacks and the detector need from a model: probabilities and input gradients of a batch.
 * Implemented by {@link Model} (a loaded SavedModel) and by the trainer's in-training network.
 * Inputs are in the card's value range, layout NHWC without the batch dimension.
 */
public interface Classifier {

    ModelCard card();

    /** Softmax probabilities, one row per input. */
    float[][] probabilities(float[][] inputs);

    /** Per-input cross-entropy loss for {@code labels} and its gradient w.r.t. the input. */
    LossGradient lossGradient(float[][] inputs, int[] labels);

    /**
     * The gradient of {@link #lossGradient} alone: what the attacks need. Implementations may
     * compute it through a leaner graph (no loss output, hand-written backprop).
     */
    default float[][] inputGradient(float[][] inputs, int[] labels) {
        return lossGradient(inputs, labels).gradient();
    }

    default List<Prediction> predict(List<float[]> inputs) {
        float[][] probs = probabilities(inputs.toArray(new float[0][]));
        List<Prediction> out = new ArrayList<>(probs.length);
        for (float[] p : probs) {
            out.add(Prediction.of(p, card().labels()));
        }
        return out;
    }

    default Prediction predict(float[] input) {
        return predict(List.of(input)).get(0);
    }
}
