package dev.aegis.model.image;

/** The header declares more pixels than allowed; rejected before decoding (decompression bombs, HTTP 413). */
public class ImageTooLargeException extends ImageRejectedException {
    public ImageTooLargeException(String message) {
        super(message, null);
    }

    public ImageTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
