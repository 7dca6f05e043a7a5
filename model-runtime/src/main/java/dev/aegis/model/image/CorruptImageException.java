package dev.aegis.model.image;

/** The bytes look like a supported format but cannot be decoded: truncated or damaged (HTTP 400/422). */
public class CorruptImageException extends ImageRejectedException {
    public CorruptImageException(String message) {
        super(message, null);
    }

    public CorruptImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
