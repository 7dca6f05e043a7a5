package dev.aegis.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.aegis.model.attack.AttackMethod;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.InvalidAttackException;

/**
 * Attack parameters as a client may send them (any doubles, including NaN and infinities, any
 * step count, any label): either a spec inside the documented bounds or an
 * {@link InvalidAttackException} (a 400 in the adversarial service).
 */
class AttackSpecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parametersAreEitherInBoundsOrRefused(FuzzedDataProvider data) {
        AttackMethod[] methods = AttackMethod.values();
        int pick = data.consumeInt(-1, methods.length - 1);
        AttackMethod method = pick < 0 ? null : methods[pick];
        try {
            AttackSpec spec = new AttackSpec(method, data.consumeDouble(), data.consumeInt(), data.consumeDouble(),
                    data.consumeBoolean(), Optional.ofNullable(data.consumeBoolean() ? data.consumeString(40) : null),
                    data.consumeLong());
            assertThat(spec.epsilon()).isBetween(0.0, 1.0);
            assertThat(spec.stepSize()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
            assertThat(spec.steps()).isBetween(1, AttackSpec.MAX_STEPS);
            assertThat(spec.targetLabel()).isNotNull();
            if (spec.method() == AttackMethod.FGSM) {
                assertThat(spec.steps()).isEqualTo(1);
            }
        } catch (InvalidAttackException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
