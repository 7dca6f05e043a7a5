package dev.aegis.adversarial.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.aegis.adversarial.attack.AttackRecord;
import dev.aegis.events.AttackCompleted.LabelScore;
import dev.aegis.events.AttackParameters;
import dev.aegis.events.DetectorVerdict;

class RobustnessServiceTest {

    private static AttackRecord attack(double eps, String trueLabel, String original, String adversarial,
                                       AttackRecord.Status status) {
        boolean done = status == AttackRecord.Status.DONE;
        return new AttackRecord("id-" + Math.random(), "u", "img", "uploads/u/img",
                new AttackParameters("FGSM", eps, null, null, null, null), "r", trueLabel, "c", status,
                Instant.now(), null, null,
                done ? new LabelScore(original, 0.9) : null, done ? new LabelScore(adversarial, 0.8) : null,
                done ? !original.equals(adversarial) : null, done ? eps : null, done ? eps * 10 : null, null,
                done ? new DetectorVerdict(0.5, 0.4, true) : null, null, null, null, null);
    }

    @Test
    void aggregatesAccuracyAndSuccessPerEpsilon() {
        ReportRecord report = new ReportRecord("r", "u", new AttackParameters("FGSM", 0.1, null, null, null, null),
                List.of(0.0, 0.1), List.of(new ReportRecord.ImageRef("a", "Car"), new ReportRecord.ImageRef("b", "Bike")),
                4, Instant.now());
        List<AttackRecord> attacks = new ArrayList<>();
        attacks.add(attack(0.0, "Car", "Car", "Car", AttackRecord.Status.DONE));
        attacks.add(attack(0.0, "Bike", "Car", "Car", AttackRecord.Status.DONE));
        attacks.add(attack(0.1, "Car", "Car", "Ship", AttackRecord.Status.DONE));
        attacks.add(attack(0.1, "Bike", "Car", "Car", AttackRecord.Status.PENDING));

        RobustnessReport r = RobustnessService.aggregate(report, attacks);
        assertThat(r.status()).isEqualTo(RobustnessReport.Status.RUNNING);
        assertThat(r.accuracyBasis()).isEqualTo("declared-labels");
        assertThat(r.points().get(0).accuracy()).isEqualTo(0.5);
        assertThat(r.points().get(0).successRate()).isEqualTo(0.0);
        assertThat(r.points().get(1).accuracy()).isEqualTo(0.0);
        assertThat(r.points().get(1).successRate()).isEqualTo(1.0);
        assertThat(r.points().get(1).completed()).isEqualTo(1);

        byte[] png = RobustnessChart.png(r, 400, 300);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void withoutLabelsAccuracyIsAgreementWithTheCleanPrediction() {
        ReportRecord report = new ReportRecord("r", "u", new AttackParameters("FGSM", 0.1, null, null, null, null),
                List.of(0.1), List.of(new ReportRecord.ImageRef("a", null)), 1, Instant.now());
        RobustnessReport r = RobustnessService.aggregate(report,
                List.of(attack(0.1, null, "Car", "Car", AttackRecord.Status.DONE)));
        assertThat(r.status()).isEqualTo(RobustnessReport.Status.DONE);
        assertThat(r.accuracyBasis()).isEqualTo("clean-predictions");
        assertThat(r.points().get(0).accuracy()).isEqualTo(1.0);
    }
}
