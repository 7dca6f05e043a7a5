package dev.aegis.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.aegis.model.ModelCard;
import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.TinyModels;
import dev.aegis.model.attack.AttackResult;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.Attacker;
import dev.aegis.model.train.Dataset;

class FeatureSqueezingDetectorTest {

    @Test
    void squeezersDoWhatThePaperSays() {
        float[] px = {0.0f, 0.2f, 0.49f, 0.51f, 0.8f, 1.0f};
        assertThat(FeatureSqueezingDetector.reduceBitDepth(px, 1)).containsExactly(0, 0, 0, 1, 1, 1);
        float[] img = new float[9];
        img[4] = 1f; // one bright pixel in a dark 3x3 image disappears under a 3x3 median
        assertThat(FeatureSqueezingDetector.median(img, 3, 3, 1, 3)).containsOnly(0f);
        assertThat(FeatureSqueezingDetector.median(img, 3, 3, 1, 1)).containsExactly(img);
    }

    @Test
    void thresholdKeepsTheFalsePositiveRateAtTheTarget() {
        double[] scores = new double[100];
        for (int i = 0; i < 100; i++) {
            scores[i] = i / 100.0;
        }
        double t = FeatureSqueezingDetector.thresholdAt(scores, 0.05);
        long above = java.util.Arrays.stream(scores).filter(s -> s > t).count();
        assertThat(above).isEqualTo(5);
    }

    @Test
    void calibratedOnCleanDataFlagsFewCleanAndManyAdversarialImages() {
        Dataset validation = TinyModels.generate(120, 11);
        Dataset test = TinyModels.generate(90, 12);
        try (Model model = Model.load(TinyModels.trained(), RuntimeOptions.threads(2))) {
            ModelCard.Detector settings = FeatureSqueezingDetector.calibrate(model, validation.x(), 3, 2, 0.05);
            assertThat(settings.targetFpr()).isEqualTo(0.05);
            FeatureSqueezingDetector detector = new FeatureSqueezingDetector(model, settings);
            double[] cleanScores = FeatureSqueezingDetector.scores(model, validation.x(), 3, 2);
            long flaggedValidation = java.util.Arrays.stream(cleanScores).filter(s -> s > settings.threshold()).count();
            assertThat((double) flaggedValidation / validation.size()).isLessThanOrEqualTo(0.05);

            List<DetectorVerdict> clean = detector.checkBatch(test.x());
            List<AttackResult> attacks = Attacker.runBatch(model, test.x(), test.y(), AttackSpec.fgsm(0.3));
            int successful = 0;
            int caught = 0;
            for (AttackResult r : attacks) {
                if (r.success()) {
                    successful++;
                    if (detector.check(r.adversarial()).flagged()) {
                        caught++;
                    }
                }
            }
            long cleanFlagged = clean.stream().filter(DetectorVerdict::flagged).count();
            System.out.printf("tiny detector: threshold %.4f, clean flagged %d/%d, adversarial caught %d/%d%n",
                    settings.threshold(), cleanFlagged, clean.size(), caught, successful);
            assertThat(clean.get(0).threshold()).isCloseTo(settings.threshold(), within(1e-12));
            assertThat(clean.get(0).score()).isBetween(0.0, 2.0);
            assertThat((double) cleanFlagged / clean.size()).isLessThanOrEqualTo(0.15);
            assertThat(successful).isGreaterThan(0);
            assertThat((double) caught / successful).isGreaterThan((double) cleanFlagged / clean.size());
        }
    }
}
