package dev.aegis.adversarial.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.aegis.adversarial.worker.AttackEngine;
import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.detect.AdversarialDetector;
import dev.aegis.model.detect.DetectorVerdict;
import dev.aegis.model.image.Pixels;

/**
 * The attack's detector verdict reuses the forward pass that classified the adversarial image;
 * it must still be the verdict a fresh check of the PNG the user downloads gives.
 */
class AttackVerdictTest {

    @Test
    void theVerdictIsTheOneAFreshCheckOfTheDownloadedPngGives(@TempDir Path dir) throws Exception {
        ShapesModel.train(dir, "shapes", "1");
        try (Model model = Model.load(dir, RuntimeOptions.threads(1));
                AdversarialDetector detector = AdversarialDetector.fromCard(model)) {
            for (int i = 0; i < 6; i++) {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                        ShapesModel.png(ShapesModel.generate(6, 40).x()[i])));
                AttackEngine.Outcome outcome = AttackEngine.run(model, detector, image, AttackSpec.fgsm(0.1 + 0.05 * i));

                BufferedImage downloaded = ImageIO.read(new ByteArrayInputStream(outcome.adversarialPng()));
                DetectorVerdict fresh = detector.check(Pixels.preprocess(downloaded, model.card().input()));
                assertThat(outcome.detector().score()).isCloseTo(fresh.score(), within(1e-5));
                assertThat(outcome.detector().flagged()).isEqualTo(fresh.flagged());
                assertThat(outcome.detector().threshold()).isEqualTo(fresh.threshold());
            }
        }
    }
}
