package dev.aegis.adversarial.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.aegis.events.AttackParameters;
import dev.aegis.model.attack.AttackMethod;
import dev.aegis.model.attack.AttackSpec;

class AttackEngineTest {

    @Test
    void quantisedPixelsStayInsideTheBallAndOnTheGrid() {
        SplittableRandom random = new SplittableRandom(7);
        for (double eps : new double[] {0, 0.001, 1 / 255.0, 0.01, 0.03, 0.05, 0.3, 1}) {
            float[] clean = new float[2000];
            float[] adv = new float[clean.length];
            for (int j = 0; j < clean.length; j++) {
                clean[j] = random.nextInt(256) / 255f;
                // any float the attack may produce, including just outside the ball
                adv[j] = (float) (clean[j] + (random.nextDouble() * 2 - 1) * eps * 1.01);
            }
            float[] q = AttackEngine.quantizeInBall(adv, clean, (float) eps);
            for (int j = 0; j < q.length; j++) {
                assertThat(Math.abs(q[j] - clean[j])).isLessThanOrEqualTo((float) eps + 1e-6f);
                assertThat(q[j]).isBetween(0f, 1f);
                assertThat(q[j] * 255f).isCloseTo(Math.round(q[j] * 255f), org.assertj.core.data.Offset.offset(1e-3f));
            }
        }
    }

    @Test
    void amplifiedPerturbationMapsTheBallOntoTheFullRange() {
        float[] clean = {0.5f, 0.5f, 0.5f};
        float[] adv = {0.45f, 0.5f, 0.55f};
        float[] shown = AttackEngine.amplify(adv, clean, 0.05);
        assertThat(shown[0]).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(shown[1]).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(shown[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void specFollowsTheApiParameters() {
        AttackSpec fgsm = AttackEngine.spec(new AttackParameters("FGSM", 0.1, null, null, null, null), 1);
        assertThat(fgsm.method()).isEqualTo(AttackMethod.FGSM);
        assertThat(fgsm.steps()).isEqualTo(1);
        assertThat(fgsm.isTargeted()).isFalse();
        AttackSpec pgd = AttackEngine.spec(new AttackParameters("PGD", 0.1, 20, 0.01, true, "Car"), 5);
        assertThat(pgd.steps()).isEqualTo(20);
        assertThat(pgd.stepSize()).isEqualTo(0.01);
        assertThat(pgd.targetLabel()).contains("Car");
        assertThat(pgd.seed()).isEqualTo(5);
    }

    @Test
    void seedDependsOnlyOnTheAttackId() {
        assertThat(AttackWorker.seed("a-b-c")).isEqualTo(AttackWorker.seed("a-b-c"));
        assertThat(AttackWorker.seed("a-b-c")).isNotEqualTo(AttackWorker.seed("a-b-d"));
    }
}
