package dev.aegis.model.attack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.aegis.model.Classifier;
import dev.aegis.model.LossGradient;
import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.TinyModels;
import dev.aegis.model.train.Dataset;

/**
 * The exported input_gradient signature (what attacks use when a model has it) gives the same
 * adversarial images as the card's loss-gradient signature.
 */
class FastGradientPathTest {

    static Model model;
    static Classifier reference;
    static Dataset test;

    @BeforeAll
    static void load() {
        model = Model.load(TinyModels.trained(), RuntimeOptions.threads(2));
        test = TinyModels.testSet().first(60);
        // the same model seen only through predict + loss_gradient, as models exported before
        reference = new Classifier() {
            @Override
            public ModelCard card() {
                return model.card();
            }

            @Override
            public float[][] probabilities(float[][] inputs) {
                return model.probabilities(inputs);
            }

            @Override
            public LossGradient lossGradient(float[][] inputs, int[] labels) {
                return model.lossGradient(inputs, labels);
            }
        };
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void trainerExportsTheSignature() {
        assertThat(model.hasFastInputGradient()).isTrue();
    }

    @Test
    void fgsmUntargetedTargetedAndPgdGiveTheSameImages() {
        AttackSpec[] specs = {AttackSpec.fgsm(0.1), AttackSpec.fgsm(0.03), AttackSpec.bim(0.1, 5),
                AttackSpec.pgd(0.1, 5, 11)};
        for (AttackSpec spec : specs) {
            for (int target : new int[] {-1, 2}) {
                Attacker.Perturbation fast = Attacker.perturb(model, test.x(), test.y(), spec, target);
                Attacker.Perturbation ref = Attacker.perturb(reference, test.x(), test.y(), spec, target);
                assertThat(fast.gradientCalls()).isEqualTo(ref.gradientCalls()).isEqualTo(spec.steps());
                assertThat(fast.adversarial()).as("%s target %d", spec, target).isDeepEqualTo(ref.adversarial());
                assertThat(java.util.Arrays.deepEquals(fast.adversarial(), test.x())).isFalse();
            }
        }
    }

    @Test
    void gradientsAgreeWithTheLossGradientSignature() {
        float[][] fast = model.inputGradient(test.x(), test.y());
        float[][] ref = model.lossGradient(test.x(), test.y()).gradient();
        for (int i = 0; i < ref.length; i++) {
            for (int j = 0; j < ref[i].length; j++) {
                assertThat(fast[i][j]).isCloseTo(ref[i][j], org.assertj.core.data.Offset.offset(1e-5f + 1e-4f * Math.abs(ref[i][j])));
            }
        }
    }
}
