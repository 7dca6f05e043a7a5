package dev.aegis.model.image;

/** The bytes are not an image format this runtime reads (HTTP 415). */
public class UnsupportedImageException extends ImageRejectedException {
    public UnsupportedImageException(String message) {
        super(message, null);
    }

    public UnsupportedImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
