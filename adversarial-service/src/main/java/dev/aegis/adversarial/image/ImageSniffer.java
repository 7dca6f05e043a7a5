package dev.aegis.adversarial.image;

import java.util.Map;

import org.springframework.stereotype.Component;

import dev.aegis.model.image.ImageDecoder;

/**
 * Checks that uploaded bytes are an image the model runtime can decode (format sniffed from the
 * bytes, pixel count bounded before decoding) and names its content type. Throws the runtime's
 * {@code ImageRejectedException} subtypes otherwise.
 */
@Component
public class ImageSniffer {

    private static final Map<String, String> TYPES = Map.of(
            "png", "image/png", "jpeg", "image/jpeg", "jpg", "image/jpeg", "gif", "image/gif",
            "bmp", "image/bmp", "webp", "image/webp", "tiff", "image/tiff", "tif", "image/tiff");

    private final ImageDecoder decoder = new ImageDecoder();

    /** What the bytes are, as the inference service records it in the object's metadata. */
    public record Sniffed(String contentType, String format, int width, int height) {

        public Map<String, String> metadata() {
            return Map.of("format", format, "width", Integer.toString(width), "height", Integer.toString(height));
        }
    }

    public Sniffed check(byte[] bytes) {
        ImageDecoder.Decoded decoded = decoder.decodeWithFormat(bytes);
        String format = decoded.format();
        return new Sniffed(TYPES.getOrDefault(format, "application/octet-stream"), format,
                decoded.image().getWidth(), decoded.image().getHeight());
    }
}
