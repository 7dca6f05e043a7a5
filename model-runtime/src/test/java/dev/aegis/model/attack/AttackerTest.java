package dev.aegis.model.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.TinyModels;
import dev.aegis.model.image.ImageDecoder;
import dev.aegis.model.train.Dataset;

class AttackerTest {

    static Model model;
    static Dataset test;

    @BeforeAll
    static void load() {
        model = Model.load(TinyModels.trained(), RuntimeOptions.threads(2));
        test = TinyModels.testSet().first(60);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static double accuracy(List<AttackResult> results, int[] labels) {
        int ok = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).adversarialPrediction().index() == labels[i]) {
                ok++;
            }
        }
        return (double) ok / results.size();
    }

    @Test
    void everyMethodStaysInTheEpsilonBallAndThePixelRange() {
        double eps = 0.05;
        for (AttackSpec spec : List.of(AttackSpec.fgsm(eps), AttackSpec.bim(eps, 5), AttackSpec.pgd(eps, 5, 3))) {
            List<AttackResult> results = Attacker.runBatch(model, test.x(), test.y(), spec);
            for (int i = 0; i < results.size(); i++) {
                AttackResult r = results.get(i);
                assertThat(r.linf()).as(spec.method().name()).isLessThanOrEqualTo(eps + 1e-6);
                float[] clean = test.x()[i];
                for (int j = 0; j < clean.length; j++) {
                    assertThat(r.adversarialPixels()[j]).isBetween(0f, 1f);
                    assertThat(Math.abs(r.adversarialPixels()[j] - clean[j])).isLessThanOrEqualTo((float) eps + 1e-6f);
                }
                assertThat(r.l2()).isGreaterThan(0);
            }
        }
    }

    @Test
    void fgsmLowersAccuracyAndIterativeAttacksLowerItMore() {
        double clean = accuracy(Attacker.runBatch(model, test.x(), test.y(), AttackSpec.fgsm(0)), test.y());
        double fgsm = accuracy(Attacker.runBatch(model, test.x(), test.y(), AttackSpec.fgsm(0.3)), test.y());
        double pgd = accuracy(Attacker.runBatch(model, test.x(), test.y(), AttackSpec.pgd(0.3, 10, 1)), test.y());
        System.out.printf("tiny model accuracy: clean %.3f, FGSM(0.3) %.3f, PGD-10(0.3) %.3f%n", clean, fgsm, pgd);
        assertThat(clean).isGreaterThan(0.9);
        assertThat(fgsm).isLessThan(clean - 0.1);
        assertThat(pgd).isLessThanOrEqualTo(fgsm);
    }

    @Test
    void targetedAttackReachesTheTarget() {
        int i = 0;
        while (test.y()[i] == 2) {
            i++;
        }
        AttackResult r = Attacker.run(model, test.x()[i], test.y()[i],
                AttackSpec.pgd(0.3, 40, 5).targeted("diagonal"));
        assertThat(r.original().index()).isEqualTo(test.y()[i]);
        assertThat(r.adversarialPrediction().label()).isEqualTo("diagonal");
        assertThat(r.success()).isTrue();
        assertThat(r.gradientCalls()).isEqualTo(40);
        assertThat(r.linf()).isLessThanOrEqualTo(0.3 + 1e-6);
        assertThat(new ImageDecoder().decode(r.png()).getWidth()).isEqualTo(TinyModels.SIZE);
    }

    @Test
    void epsilonZeroChangesNothing() {
        AttackResult r = Attacker.run(model, test.x()[0], "horizontal", AttackSpec.fgsm(0));
        assertThat(r.linf()).isZero();
        assertThat(r.adversarialPixels()).containsExactly(test.x()[0]);
    }

    @Test
    void invalidParametersAreRejectedWithAMessage() {
        assertThatThrownBy(() -> AttackSpec.fgsm(Double.NaN)).isInstanceOf(InvalidAttackException.class)
                .hasMessageContaining("epsilon");
        assertThatThrownBy(() -> AttackSpec.fgsm(1.5)).isInstanceOf(InvalidAttackException.class);
        assertThatThrownBy(() -> AttackSpec.fgsm(-0.1)).isInstanceOf(InvalidAttackException.class);
        assertThatThrownBy(() -> AttackSpec.bim(0.1, 0)).isInstanceOf(InvalidAttackException.class)
                .hasMessageContaining("steps");
        assertThatThrownBy(() -> AttackSpec.pgd(0.1, 1001, 1)).isInstanceOf(InvalidAttackException.class);
        assertThatThrownBy(() -> new AttackSpec(AttackMethod.BIM, 0.1, 5, Double.NaN, false, Optional.empty(), 1))
                .isInstanceOf(InvalidAttackException.class).hasMessageContaining("stepSize");
        assertThatThrownBy(() -> new AttackSpec(null, 0.1, 5, 0.1, false, Optional.empty(), 1))
                .isInstanceOf(InvalidAttackException.class);
        assertThatThrownBy(() -> Attacker.run(model, test.x()[0], 0, AttackSpec.fgsm(0.1).targeted("plane")))
                .isInstanceOf(InvalidAttackException.class).hasMessageContaining("plane");
        assertThatThrownBy(() -> Attacker.run(model, test.x()[0], "plane", AttackSpec.fgsm(0.1)))
                .isInstanceOf(InvalidAttackException.class);
        assertThatThrownBy(() -> Attacker.run(model, test.x()[0], 9, AttackSpec.fgsm(0.1)))
                .isInstanceOf(InvalidAttackException.class);
    }
}
