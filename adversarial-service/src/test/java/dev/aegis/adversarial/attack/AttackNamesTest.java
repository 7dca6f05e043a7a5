package dev.aegis.adversarial.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.aegis.events.AttackParameters;

class AttackNamesTest {

    @Test
    void downloadNameSaysMethodEpsilonAndId() {
        AttackRecord r = AttackRecord.pending("abc", "u", "i", "k",
                new AttackParameters("PGD", 0.050, 10, 0.0125, true, "Car"), null, null, "c");
        assertThat(AttackController.fileName(r, false)).isEqualTo("adversarial-pgd-eps0.05-to-Car-abc.png");
        assertThat(AttackController.fileName(r, true)).isEqualTo("perturbation-pgd-eps0.05-to-Car-abc.png");
    }

    @Test
    void waitAcceptsSecondsAndUnits() {
        assertThat(WaitParameter.parse(null)).isEqualTo(Duration.ZERO);
        assertThat(WaitParameter.parse("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(WaitParameter.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(WaitParameter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(WaitParameter.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> WaitParameter.parse("PTxS")).isInstanceOf(InvalidAttackException.class);
        assertThatThrownBy(() -> WaitParameter.parse("-1")).isInstanceOf(InvalidAttackException.class);
    }
}
