package dev.aegis.inference.worker;

import dev.aegis.events.ModelRef;
import dev.aegis.model.Model;
import dev.aegis.model.detect.AdversarialDetector;

/** A loaded model version with its detector (null when the card has no calibrated detector). */
public record LoadedModel(ModelRef ref, Model model, AdversarialDetector detector) implements AutoCloseable {

    static LoadedModel of(ModelRef ref, Model model) {
        try {
            return new LoadedModel(ref, model, AdversarialDetector.fromCard(model));
        } catch (RuntimeException e) {
            model.close(); // e.g. the card names a learned detector folder that is missing
            throw e;
        }
    }

    /** Frees the native memory of the model and of its learned detector network. */
    @Override
    public void close() {
        try {
            if (detector != null) {
                detector.close();
            }
        } finally {
            model.close();
        }
    }
}
