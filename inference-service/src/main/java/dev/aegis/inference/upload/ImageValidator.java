package dev.aegis.inference.upload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.aegis.inference.InferenceProperties;
import dev.aegis.model.image.ImageDecoder;
import dev.aegis.model.image.ImageRejectedException;
import dev.aegis.model.image.ImageTooLargeException;
import dev.aegis.model.image.UnsupportedImageException;

/**
 * Decides whether bytes are an image we accept. The format comes from magic numbers (a whitelist
 * narrower than what ImageIO reads), never from the name or the client's content type; the
 * runtime's {@link ImageDecoder} then reads the pixel count from the header before allocating
 * anything (a 20000x20000 PNG of a few KB would otherwise ask for 1.6 GB) and decodes the image
 * once, so truncated or corrupt files are refused at upload time instead of failing in a worker.
 */
@Component
public class ImageValidator {

    private final long maxBytes;
    private final ImageDecoder decoder;

    public ImageValidator(InferenceProperties properties) {
        this.maxBytes = properties.maxFileSize().toBytes();
        this.decoder = new ImageDecoder(properties.maxPixels());
    }

    public ValidatedImage validate(String name, byte[] bytes) {
        if (bytes.length == 0) {
            throw RejectedUploadException.empty(name);
        }
        if (bytes.length > maxBytes) {
            throw RejectedUploadException.tooLarge("'" + name + "' is " + bytes.length + " bytes; at most "
                    + maxBytes + " bytes per image are accepted");
        }
        String format = sniff(bytes);
        if (format == null) {
            throw RejectedUploadException.unsupported(name);
        }
        ImageDecoder.Decoded decoded;
        try {
            decoded = decoder.decodeWithFormat(bytes);
        } catch (ImageTooLargeException e) {
            throw new RejectedUploadException(HttpStatus.CONTENT_TOO_LARGE, "Image dimensions too large",
                    "'" + name + "': " + e.getMessage());
        } catch (UnsupportedImageException e) {
            throw RejectedUploadException.unsupported(name);
        } catch (ImageRejectedException e) {
            throw RejectedUploadException.undecodable(name, e.getMessage());
        }
        int width = decoded.image().getWidth();
        int height = decoded.image().getHeight();
        return new ValidatedImage(name, bytes, format, contentType(format), width, height, sha256(bytes));
    }

    /** The image format from the first bytes, or null. */
    static String sniff(byte[] b) {
        if (starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "png";
        }
        if (starts(b, 0xFF, 0xD8, 0xFF)) {
            return "jpeg";
        }
        if (starts(b, 'G', 'I', 'F', '8')) {
            return "gif";
        }
        if (starts(b, 'B', 'M') && b.length > 26) {
            return "bmp";
        }
        if (b.length > 12 && starts(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        return null;
    }

    /** Whether the bytes are a zip archive (local file header or empty-archive marker). */
    public static boolean isZip(byte[] b) {
        return starts(b, 'P', 'K', 3, 4) || starts(b, 'P', 'K', 5, 6);
    }

    static String contentType(String format) {
        return switch (format) {
            case "png" -> "image/png";
            case "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "bmp" -> "image/bmp";
            case "webp" -> "image/webp";
            default -> "application/octet-stream";
        };
    }

    private static boolean starts(byte[] bytes, int... magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    static String sha256(byte[] bytes) {
        try {
            return ValidatedImage.hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
