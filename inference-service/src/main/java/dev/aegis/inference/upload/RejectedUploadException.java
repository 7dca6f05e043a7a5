package dev.aegis.inference.upload;

import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * An upload refused before anything is stored. {@code errors} names the offending file or zip
 * entry when a request carried several, so a client can fix exactly those.
 */
public class RejectedUploadException extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final Map<String, String> errors;

    public RejectedUploadException(HttpStatus status, String title, String detail, Map<String, String> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? Map.of() : Map.copyOf(errors);
    }

    public RejectedUploadException(HttpStatus status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public static RejectedUploadException empty(String name) {
        return new RejectedUploadException(HttpStatus.BAD_REQUEST, "Empty file", "'" + name + "' is empty");
    }

    public static RejectedUploadException tooLarge(String detail) {
        return new RejectedUploadException(HttpStatus.CONTENT_TOO_LARGE, "Upload too large", detail);
    }

    public static RejectedUploadException unsupported(String name) {
        return new RejectedUploadException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported image type",
                "the content of '" + name + "' is not a supported image (PNG, JPEG, GIF, BMP, WebP); "
                        + "the type is read from the bytes, not the file name");
    }

    public static RejectedUploadException undecodable(String name, String why) {
        return new RejectedUploadException(HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable image",
                "'" + name + "' cannot be decoded: " + why);
    }


    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Map<String, String> errors() {
        return errors;
    }
}
