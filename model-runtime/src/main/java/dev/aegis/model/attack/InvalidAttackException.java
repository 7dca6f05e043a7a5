package dev.aegis.model.attack;

/** Attack parameters out of range (epsilon, steps, step size, unknown target label). */
public class InvalidAttackException extends IllegalArgumentException {
    public InvalidAttackException(String message) {
        super(message);
    }
}
