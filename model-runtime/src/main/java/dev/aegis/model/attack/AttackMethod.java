package dev.aegis.model.attack;

/** Gradient attacks in pixel space. */
public enum AttackMethod {
    /** Fast gradient sign method: one step of size epsilon (Goodfellow et al. 2015). */
    FGSM,
    /** Basic iterative method: FGSM steps of stepSize, projected on the epsilon ball (Kurakin et al. 2017). */
    BIM,
    /** Projected gradient descent: BIM from a random start inside the ball (Madry et al. 2018). */
    PGD
}
