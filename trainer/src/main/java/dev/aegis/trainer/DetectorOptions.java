package dev.aegis.trainer;

import dev.aegis.model.train.DetectorTrainer;
import picocli.CommandLine.Option;

/** The detector options shared by {@code train} and {@code bench robustness} (a picocli mixin). */
final class DetectorOptions {

    @Option(names = "--detector", defaultValue = "both",
            description = "adversarial-example detector: squeeze (feature squeezing), learned (a small clean-vs-"
                    + "adversarial CNN trained on FGSM/PGD examples of this model, saved in the model folder's "
                    + "detector/), or both (flagged when either flags; thresholds calibrated together on clean "
                    + "validation images at --detector-fpr) (default ${DEFAULT-VALUE})")
    String detector;

    @Option(names = "--detector-images", defaultValue = "15000",
            description = "training images the learned detector attacks for its examples (default ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--detector-epochs", defaultValue = "3",
            description = "maximum epochs of the learned detector (default ${DEFAULT-VALUE})")
    int epochs;

    Pipeline.DetectorMode mode() {
        return Pipeline.DetectorMode.parse(detector);
    }

    /** How the learned detector is trained; its seed is derived from the model's so runs stay reproducible. */
    DetectorTrainer.Settings learnedSettings(long seed, int threads) {
        return DetectorTrainer.Settings.defaults(seed ^ 0xD37EC7L, threads).withImages(images).withEpochs(epochs);
    }
}
