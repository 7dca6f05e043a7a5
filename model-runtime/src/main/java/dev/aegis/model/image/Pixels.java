package dev.aegis.model.image;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

import dev.aegis.model.ModelCard;

/**
 * Conversions between images and the float layout the models use: NHWC without the batch
 * dimension, row-major, channels last (RGB), values in the card's range. The trainer uses exactly
 * these functions, so serving preprocesses the way training did.
 */
public final class Pixels {

    private Pixels() {
    }

    /**
     * Resizes to the card's size (bilinear, transparent areas composited on white) and converts to
     * floats in the card's value range. Grey models use ITU-R BT.601 luma.
     */
    public static float[] preprocess(BufferedImage source, ModelCard.Input input) {
        BufferedImage rgb = resize(source, input.width(), input.height());
        float[] pixels = toPixelSpace(rgb, input.channels());
        return fromPixelSpace(pixels, input);
    }

    /** Resized RGB copy; downscales in halving steps so large photos do not alias. */
    public static BufferedImage resize(BufferedImage source, int width, int height) {
        BufferedImage current = flatten(source);
        int w = current.getWidth();
        int h = current.getHeight();
        while (w / 2 >= width && h / 2 >= height) {
            w /= 2;
            h /= 2;
            current = draw(current, w, h);
        }
        if (w != width || h != height) {
            current = draw(current, width, height);
        }
        return current;
    }

    private static BufferedImage flatten(BufferedImage source) {
        BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setComposite(AlphaComposite.SrcOver);
            g.drawImage(source, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage draw(BufferedImage source, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** RGB image to floats in [0,1]; one channel = luma. */
    public static float[] toPixelSpace(BufferedImage rgb, int channels) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        float[] out = new float[w * h * channels];
        int[] row = new int[w];
        int k = 0;
        for (int y = 0; y < h; y++) {
            rgb.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int r = (p >> 16) & 0xff;
                int gr = (p >> 8) & 0xff;
                int b = p & 0xff;
                if (channels == 1) {
                    out[k++] = (0.299f * r + 0.587f * gr + 0.114f * b) / 255f;
                } else {
                    out[k++] = r / 255f;
                    out[k++] = gr / 255f;
                    out[k++] = b / 255f;
                }
            }
        }
        return out;
    }

    /** Pixel space [0,1] to the model's range. */
    public static float[] fromPixelSpace(float[] pixels, ModelCard.Input input) {
        if (input.valueMin() == 0.0 && input.valueMax() == 1.0) {
            return pixels;
        }
        float min = (float) input.valueMin();
        float span = (float) (input.valueMax() - input.valueMin());
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = min + pixels[i] * span;
        }
        return out;
    }

    /** The model's range to pixel space [0,1] (not clipped). */
    public static float[] toPixelSpace(float[] values, ModelCard.Input input) {
        if (input.valueMin() == 0.0 && input.valueMax() == 1.0) {
            return values.clone();
        }
        float min = (float) input.valueMin();
        float span = (float) (input.valueMax() - input.valueMin());
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (values[i] - min) / span;
        }
        return out;
    }

    /** Pixel-space floats to an 8-bit image (grey or RGB), values clipped and rounded. */
    public static BufferedImage toImage(float[] pixels, int height, int width, int channels) {
        if (pixels.length != height * width * channels) {
            throw new IllegalArgumentException("expected " + height * width * channels + " values, got " + pixels.length);
        }
        BufferedImage img = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int k = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (channels == 1) {
                    int v = to8(pixels[k++]);
                    img.getRaster().setSample(x, y, 0, v);
                } else {
                    int r = to8(pixels[k++]);
                    int g = to8(pixels[k++]);
                    int b = to8(pixels[k++]);
                    img.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
        }
        return img;
    }

    public static byte[] toPng(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
