package dev.aegis.model.attack;

import java.util.Optional;

/**
 * What attack to run. All distances are in pixel space [0,1], whatever the model's input range.
 *
 * @param method      FGSM, BIM or PGD
 * @param epsilon     L-inf radius of the perturbation, in [0,1]
 * @param steps       iterations for BIM/PGD (1..1000); FGSM always takes one step
 * @param stepSize    step of BIM/PGD in (0,1]; FGSM steps by epsilon
 * @param randomStart start from a uniform random point of the ball (PGD always does)
 * @param targetLabel label to reach (targeted attack), or empty for untargeted
 * @param seed        seed of the random start
 */
public record AttackSpec(AttackMethod method, double epsilon, int steps, double stepSize, boolean randomStart,
        Optional<String> targetLabel, long seed) {

    public static final int MAX_STEPS = 1000;

    public AttackSpec {
        if (method == null) {
            throw new InvalidAttackException("method is required (FGSM, BIM or PGD)");
        }
        if (Double.isNaN(epsilon) || epsilon < 0 || epsilon > 1) {
            throw new InvalidAttackException("epsilon must be in [0,1], was " + epsilon);
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new InvalidAttackException("steps must be in 1.." + MAX_STEPS + ", was " + steps);
        }
        if (Double.isNaN(stepSize) || stepSize <= 0 || stepSize > 1) {
            throw new InvalidAttackException("stepSize must be in (0,1], was " + stepSize);
        }
        targetLabel = targetLabel == null ? Optional.empty() : targetLabel.filter(s -> !s.isBlank());
        if (method == AttackMethod.FGSM) {
            steps = 1;
        }
        if (method == AttackMethod.PGD) {
            randomStart = true;
        }
    }

    public static AttackSpec fgsm(double epsilon) {
        return new AttackSpec(AttackMethod.FGSM, epsilon, 1, Math.max(epsilon, 1e-6), false, Optional.empty(), 0L);
    }

    public static AttackSpec bim(double epsilon, int steps) {
        return new AttackSpec(AttackMethod.BIM, epsilon, steps, defaultStepSize(epsilon, steps), false, Optional.empty(), 0L);
    }

    public static AttackSpec pgd(double epsilon, int steps, long seed) {
        return new AttackSpec(AttackMethod.PGD, epsilon, steps, defaultStepSize(epsilon, steps), true, Optional.empty(), seed);
    }

    /** 2.5 * epsilon / steps (Madry et al.), so the walk can reach the border of the ball from anywhere. */
    public static double defaultStepSize(double epsilon, int steps) {
        if (Double.isNaN(epsilon) || epsilon <= 0) {
            return 1e-6;
        }
        return Math.min(1.0, 2.5 * epsilon / Math.max(1, steps));
    }

    public AttackSpec targeted(String label) {
        return new AttackSpec(method, epsilon, steps, stepSize, randomStart, Optional.ofNullable(label), seed);
    }

    public AttackSpec withSeed(long newSeed) {
        return new AttackSpec(method, epsilon, steps, stepSize, randomStart, targetLabel, newSeed);
    }

    public boolean isTargeted() {
        return targetLabel.isPresent();
    }
}
