package dev.aegis.model;

/** A model folder that cannot be served: no card, unreadable card, missing or mismatched signatures. */
public class InvalidModelException extends RuntimeException {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
