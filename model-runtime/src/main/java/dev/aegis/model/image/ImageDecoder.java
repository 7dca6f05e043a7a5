package dev.aegis.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes uploaded bytes into an image. The format is sniffed from the bytes (never trusted from a
 * file name or content type) and the pixel count is read from the header before any pixel is
 * decoded. Thread-safe: every call uses its own reader.
 */
public final class ImageDecoder {

    /** 40 megapixels: larger than any phone photo, small enough to decode safely. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    static {
        // plugins on the class path (TwelveMonkeys JPEG/WebP/TIFF) register through ServiceLoader
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive");
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** A decoded image and the format name the reader recognised (e.g. "png", "jpeg"). */
    public record Decoded(BufferedImage image, String format) {
    }

    public BufferedImage decode(byte[] bytes) {
        return decodeWithFormat(bytes).image();
    }

    public Decoded decodeWithFormat(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new CorruptImageException("empty image");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UnsupportedImageException("unsupported image format (supported: "
                        + String.join(", ", supportedFormats()) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                long width;
                long height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new CorruptImageException("unreadable " + format + " header: " + message(e), e);
                }
                if (width < 1 || height < 1) {
                    throw new CorruptImageException("image has no pixels (" + width + "x" + height + ")");
                }
                if (width * height > maxPixels) {
                    throw new ImageTooLargeException("image of " + width + "x" + height + " pixels exceeds the limit of "
                            + maxPixels + " pixels");
                }
                StringBuilder warnings = new StringBuilder();
                // truncated JPEGs decode "successfully" with a warning and grey rows: treat as corrupt
                reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                    @Override
                    public void warningOccurred(ImageReader source, String warning) {
                        warnings.append(warning).append("; ");
                    }
                });
                BufferedImage image;
                try {
                    image = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw new CorruptImageException("corrupt " + format + " image: " + message(e), e);
                } catch (OutOfMemoryError e) {
                    throw new ImageTooLargeException("image too large to decode", e);
                }
                if (image == null) {
                    throw new CorruptImageException("corrupt " + format + " image: no pixels decoded");
                }
                if (warnings.toString().toLowerCase(Locale.ROOT).matches(".*(premature|truncat|corrupt|end of).*")) {
                    throw new CorruptImageException("corrupt " + format + " image: " + warnings);
                }
                return new Decoded(image, format);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new CorruptImageException("cannot read image: " + message(e), e);
        }
    }

    public static java.util.List<String> supportedFormats() {
        return java.util.Arrays.stream(ImageIO.getReaderFormatNames())
                .map(s -> s.toLowerCase(Locale.ROOT)).distinct().sorted().toList();
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
