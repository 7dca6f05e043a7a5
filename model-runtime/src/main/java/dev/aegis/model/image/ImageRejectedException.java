package dev.aegis.model.image;

/** An uploaded image the runtime refuses; the subclass says why. */
public abstract class ImageRejectedException extends RuntimeException {
    protected ImageRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
