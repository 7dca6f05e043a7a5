package dev.aegis.inference.worker;

import dev.aegis.events.ModelRef;
import dev.aegis.model.Model;
import dev.aegis.model.detect.FeatureSqueezingDetector;

/** A loaded model version with its detector (null when the card has no calibrated detector). */
public record LoadedModel(ModelRef ref, Model model, FeatureSqueezingDetector detector) {

    static LoadedModel of(ModelRef ref, Model model) {
        FeatureSqueezingDetector detector = model.card().detector() == null ? null
                : FeatureSqueezingDetector.fromCard(model);
        return new LoadedModel(ref, model, detector);
    }
}
