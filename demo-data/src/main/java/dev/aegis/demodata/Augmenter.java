package dev.aegis.demodata;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.Paint;
import java.awt.RadialGradientPaint;
import java.awt.LinearGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Composes one training image: a random background, the icon (recoloured if it is a monochrome glyph),
 * random scale, rotation, position (partly cropped at times), occluders, then photometric damage (colour
 * jitter, blur, noise, JPEG artefacts). Every random choice is independent of the class, so the background
 * or the damage never tells the class; only the drawing does. All randomness comes from the given
 * {@link Random}, which makes an image a pure function of its seed.
 */
public final class Augmenter {

    private Augmenter() {
    }

    public static BufferedImage compose(SvgRasterizer icon, boolean palette, int size, Random rnd) {
        BufferedImage out = Backgrounds.random(size, rnd);
        Graphics2D g = out.createGraphics();
        try {
            hints(g);
            double bgLuma = meanLuma(out, size / 4, size / 4, size / 2, size / 2);

            // the icon: 45-100 % of the frame on its longest side
            double frac = 0.45 + 0.55 * rnd.nextDouble();
            double aspect = icon.aspect();
            int box = (int) Math.round(size * frac);
            int iw = aspect >= 1 ? box : (int) Math.round(box * aspect);
            int ih = aspect >= 1 ? (int) Math.round(box / aspect) : box;
            BufferedImage glyph = icon.render(Math.max(4, iw), Math.max(4, ih));
            if (!palette) {
                glyph = recolour(glyph, bgLuma, rnd);
            } else if (rnd.nextDouble() < 0.25) {
                glyph = jitterColours(glyph, rnd);
            }

            AffineTransform t = new AffineTransform();
            // centre may drift so that up to ~20 % of the icon leaves the frame
            double cx = size / 2.0 + (rnd.nextDouble() - 0.5) * size * (1.1 - frac) * 0.9;
            double cy = size / 2.0 + (rnd.nextDouble() - 0.5) * size * (1.1 - frac) * 0.9;
            t.translate(cx, cy);
            t.rotate(Math.toRadians(rnd.nextGaussian() * 12));
            if (rnd.nextBoolean()) {
                t.scale(-1, 1);
            }
            // mild anisotropic stretch: drawings of one object vary in proportions
            double stretch = 1 + (rnd.nextDouble() - 0.5) * 0.2;
            t.scale(stretch, 1 / stretch);
            t.translate(-glyph.getWidth() / 2.0, -glyph.getHeight() / 2.0);

            if (rnd.nextDouble() < 0.25) {
                // soft drop shadow
                AffineTransform s = new AffineTransform();
                s.translate(size * 0.03 * (rnd.nextDouble() + 0.5), size * 0.03 * (rnd.nextDouble() + 0.5));
                s.concatenate(t);
                g.drawImage(tint(glyph, new Color(0, 0, 0, 90 + rnd.nextInt(80))), s, null);
            }
            g.drawImage(glyph, t, null);

            if (rnd.nextDouble() < 0.3) {
                Backgrounds.clutter(g, size, 1 + rnd.nextInt(3), 0.35, rnd);
            }
        } finally {
            g.dispose();
        }
        out = colourJitter(out, rnd);
        if (rnd.nextDouble() < 0.3) {
            out = blur(out, 0.5 + rnd.nextDouble());
        }
        if (rnd.nextDouble() < 0.3) {
            addNoise(out, 3 + rnd.nextDouble() * 12, rnd);
        }
        if (rnd.nextDouble() < 0.4) {
            out = jpeg(out, 0.2f + 0.6f * rnd.nextFloat());
        }
        return out;
    }

    static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    }

    /** Monochrome glyphs get a colour (or a two-colour gradient) that stands out from the background. */
    static BufferedImage recolour(BufferedImage glyph, double bgLuma, Random rnd) {
        Color a = contrasting(bgLuma, rnd);
        Paint paint = a;
        if (rnd.nextDouble() < 0.3) {
            Color b = contrasting(bgLuma, rnd);
            paint = new GradientPaint(0, 0, a, glyph.getWidth() * rnd.nextFloat(), glyph.getHeight(), b);
        }
        BufferedImage out = new BufferedImage(glyph.getWidth(), glyph.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(glyph, 0, 0, null);
        g.setComposite(AlphaComposite.SrcIn);
        g.setPaint(paint);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.dispose();
        return out;
    }

    static Color contrasting(double bgLuma, Random rnd) {
        for (int i = 0; i < 12; i++) {
            Color c = Color.getHSBColor(rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat());
            if (Math.abs(luma(c.getRGB()) - bgLuma) > 0.35) {
                return c;
            }
        }
        return bgLuma > 0.5 ? new Color(rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(60))
                : new Color(195 + rnd.nextInt(61), 195 + rnd.nextInt(61), 195 + rnd.nextInt(61));
    }

    private static BufferedImage tint(BufferedImage glyph, Color c) {
        BufferedImage out = new BufferedImage(glyph.getWidth(), glyph.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(glyph, 0, 0, null);
        g.setComposite(AlphaComposite.SrcIn);
        g.setColor(c);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.dispose();
        return out;
    }

    /** Colour artwork: sometimes grey, sometimes hue-rotated, so colour alone is not a cue. */
    static BufferedImage jitterColours(BufferedImage argb, Random rnd) {
        boolean grey = rnd.nextBoolean();
        float hueShift = rnd.nextFloat();
        float[] hsb = new float[3];
        for (int y = 0; y < argb.getHeight(); y++) {
            for (int x = 0; x < argb.getWidth(); x++) {
                int p = argb.getRGB(x, y);
                int alpha = p >>> 24;
                if (alpha == 0) {
                    continue;
                }
                int rgb;
                if (grey) {
                    int l = (int) Math.round(luma(p) * 255);
                    rgb = (l << 16) | (l << 8) | l;
                } else {
                    Color.RGBtoHSB((p >> 16) & 255, (p >> 8) & 255, p & 255, hsb);
                    rgb = Color.HSBtoRGB(hsb[0] + hueShift, hsb[1], hsb[2]) & 0xFFFFFF;
                }
                argb.setRGB(x, y, (alpha << 24) | rgb);
            }
        }
        return argb;
    }

    static BufferedImage colourJitter(BufferedImage rgb, Random rnd) {
        double contrast = 0.75 + 0.5 * rnd.nextDouble();
        double brightness = (rnd.nextDouble() - 0.5) * 50;
        double[] gain = {1 + (rnd.nextDouble() - 0.5) * 0.15, 1 + (rnd.nextDouble() - 0.5) * 0.15,
                1 + (rnd.nextDouble() - 0.5) * 0.15};
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                int r = clamp(((((p >> 16) & 255) - 128) * contrast + 128 + brightness) * gain[0]);
                int gr = clamp(((((p >> 8) & 255) - 128) * contrast + 128 + brightness) * gain[1]);
                int b = clamp((((p & 255) - 128) * contrast + 128 + brightness) * gain[2]);
                rgb.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return rgb;
    }

    static BufferedImage blur(BufferedImage rgb, double sigma) {
        int radius = 2;
        float[] k1 = new float[2 * radius + 1];
        float sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k1[i + radius] = (float) Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += k1[i + radius];
        }
        float[] k = new float[k1.length * k1.length];
        for (int i = 0; i < k1.length; i++) {
            for (int j = 0; j < k1.length; j++) {
                k[i * k1.length + j] = k1[i] * k1[j] / (sum * sum);
            }
        }
        // pad by edge replication so the border does not darken
        int w = rgb.getWidth(), h = rgb.getHeight();
        BufferedImage padded = new BufferedImage(w + 2 * radius, h + 2 * radius, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < padded.getHeight(); y++) {
            for (int x = 0; x < padded.getWidth(); x++) {
                int sx = Math.min(w - 1, Math.max(0, x - radius));
                int sy = Math.min(h - 1, Math.max(0, y - radius));
                padded.setRGB(x, y, rgb.getRGB(sx, sy));
            }
        }
        BufferedImage blurred = new ConvolveOp(new Kernel(k1.length, k1.length, k), ConvolveOp.EDGE_NO_OP, null)
                .filter(padded, null);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(blurred.getSubimage(radius, radius, w, h), 0, 0, null);
        g.dispose();
        return out;
    }

    static void addNoise(BufferedImage rgb, double sigma, Random rnd) {
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                int r = clamp(((p >> 16) & 255) + rnd.nextGaussian() * sigma);
                int g = clamp(((p >> 8) & 255) + rnd.nextGaussian() * sigma);
                int b = clamp((p & 255) + rnd.nextGaussian() * sigma);
                rgb.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
    }

    static BufferedImage jpeg(BufferedImage rgb, float quality) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(ios);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                writer.write(null, new IIOImage(rgb, null, null), param);
            } finally {
                writer.dispose();
            }
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.drawImage(decoded, 0, 0, null);
            g.dispose();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double meanLuma(BufferedImage img, int x0, int y0, int w, int h) {
        double s = 0;
        int n = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                s += luma(img.getRGB(x, y));
                n++;
            }
        }
        return n == 0 ? 0.5 : s / n;
    }

    static double luma(int rgb) {
        return (0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255)) / 255.0;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Background generators, each equally likely for every class. */
    static final class Backgrounds {

        private Backgrounds() {
        }

        static BufferedImage random(int size, Random rnd) {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            try {
                hints(g);
                double pick = rnd.nextDouble();
                if (pick < 0.10) {
                    g.setColor(randomColour(rnd));
                    g.fillRect(0, 0, size, size);
                } else if (pick < 0.30) {
                    linear(g, size, rnd);
                } else if (pick < 0.40) {
                    radial(g, size, rnd);
                } else if (pick < 0.55) {
                    valueNoise(img, rnd);
                } else if (pick < 0.70) {
                    texture(g, size, rnd);
                } else if (pick < 0.90) {
                    linear(g, size, rnd);
                    clutter(g, size, 6 + rnd.nextInt(20), 0.9, rnd);
                } else {
                    horizon(g, size, rnd);
                }
            } finally {
                g.dispose();
            }
            return img;
        }

        static Color randomColour(Random rnd) {
            return Color.getHSBColor(rnd.nextFloat(), rnd.nextFloat() * 0.9f, 0.1f + 0.9f * rnd.nextFloat());
        }

        private static void linear(Graphics2D g, int size, Random rnd) {
            int stops = 2 + rnd.nextInt(2);
            float[] fr = new float[stops];
            Color[] cs = new Color[stops];
            for (int i = 0; i < stops; i++) {
                fr[i] = i / (float) (stops - 1);
                cs[i] = randomColour(rnd);
            }
            double angle = rnd.nextDouble() * 2 * Math.PI;
            float dx = (float) (Math.cos(angle) * size / 2), dy = (float) (Math.sin(angle) * size / 2);
            g.setPaint(new LinearGradientPaint(size / 2f - dx, size / 2f - dy, size / 2f + dx + 0.01f, size / 2f + dy,
                    fr, cs, MultipleGradientPaint.CycleMethod.REFLECT));
            g.fillRect(0, 0, size, size);
        }

        private static void radial(Graphics2D g, int size, Random rnd) {
            g.setPaint(new RadialGradientPaint(size * rnd.nextFloat(), size * rnd.nextFloat(),
                    size * (0.3f + rnd.nextFloat()), new float[]{0f, 1f},
                    new Color[]{randomColour(rnd), randomColour(rnd)}));
            g.fillRect(0, 0, size, size);
        }

        /** Smooth coloured noise: a coarse random grid, bilinearly upscaled (like clouds, foliage, water). */
        private static void valueNoise(BufferedImage img, Random rnd) {
            int cells = 2 + rnd.nextInt(7);
            int size = img.getWidth();
            Color a = randomColour(rnd), b = randomColour(rnd);
            double[][] grid = new double[cells + 1][cells + 1];
            for (double[] row : grid) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = rnd.nextDouble();
                }
            }
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double gx = x * cells / (double) size, gy = y * cells / (double) size;
                    int ix = (int) gx, iy = (int) gy;
                    double fx = gx - ix, fy = gy - iy;
                    fx = fx * fx * (3 - 2 * fx);
                    fy = fy * fy * (3 - 2 * fy);
                    double v = grid[iy][ix] * (1 - fx) * (1 - fy) + grid[iy][ix + 1] * fx * (1 - fy)
                            + grid[iy + 1][ix] * (1 - fx) * fy + grid[iy + 1][ix + 1] * fx * fy;
                    int r = (int) (a.getRed() * (1 - v) + b.getRed() * v);
                    int gg = (int) (a.getGreen() * (1 - v) + b.getGreen() * v);
                    int bb = (int) (a.getBlue() * (1 - v) + b.getBlue() * v);
                    img.setRGB(x, y, (r << 16) | (gg << 8) | bb);
                }
            }
        }

        /** Stripes, checks or dots, rotated: regular textures such as fabric, tiles, fences. */
        private static void texture(Graphics2D g, int size, Random rnd) {
            Color a = randomColour(rnd), b = randomColour(rnd);
            g.setColor(a);
            g.fillRect(0, 0, size, size);
            g.setColor(b);
            AffineTransform saved = g.getTransform();
            g.rotate(rnd.nextDouble() * Math.PI, size / 2.0, size / 2.0);
            int period = Math.max(3, (int) (size * (0.05 + 0.2 * rnd.nextDouble())));
            int kind = rnd.nextInt(3);
            for (int i = -size; i < 2 * size; i += period) {
                for (int j = -size; j < 2 * size; j += period) {
                    if (kind == 0 && j == -size) {
                        g.fillRect(i, -size, period / 2, 3 * size);
                    } else if (kind == 1 && ((i / period + j / period) & 1) == 0) {
                        g.fillRect(i, j, period, period);
                    } else if (kind == 2) {
                        g.fill(new Ellipse2D.Double(i, j, period * 0.5, period * 0.5));
                    }
                }
            }
            g.setTransform(saved);
        }

        /** Two bands split by a tilted line (sky/ground, wall/floor), applied to every class alike. */
        private static void horizon(Graphics2D g, int size, Random rnd) {
            g.setPaint(new GradientPaint(0, 0, randomColour(rnd), 0, size, randomColour(rnd)));
            g.fillRect(0, 0, size, size);
            double y0 = size * (0.2 + 0.6 * rnd.nextDouble());
            double tilt = (rnd.nextDouble() - 0.5) * size * 0.4;
            Path2D p = new Path2D.Double();
            p.moveTo(0, y0 - tilt);
            p.lineTo(size, y0 + tilt);
            p.lineTo(size, size);
            p.lineTo(0, size);
            p.closePath();
            g.setPaint(new GradientPaint(0, (float) y0, randomColour(rnd), 0, size, randomColour(rnd)));
            g.fill(p);
        }

        /** Random shapes and strokes: distractors with edges and corners but no object meaning. */
        static void clutter(Graphics2D g, int size, int count, double maxAlpha, Random rnd) {
            for (int i = 0; i < count; i++) {
                Color c = randomColour(rnd);
                int alpha = (int) (255 * (0.25 + (maxAlpha - 0.25) * rnd.nextDouble()));
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.max(20, alpha)));
                double x = rnd.nextDouble() * size, y = rnd.nextDouble() * size;
                double w = size * (0.05 + 0.35 * rnd.nextDouble()), h = size * (0.05 + 0.35 * rnd.nextDouble());
                switch (rnd.nextInt(5)) {
                    case 0 -> g.fill(new Ellipse2D.Double(x - w / 2, y - h / 2, w, h));
                    case 1 -> {
                        AffineTransform saved = g.getTransform();
                        g.rotate(rnd.nextDouble() * Math.PI, x, y);
                        g.fill(new Rectangle2D.Double(x - w / 2, y - h / 2, w, h));
                        g.setTransform(saved);
                    }
                    case 2 -> g.fill(new RoundRectangle2D.Double(x - w / 2, y - h / 2, w, h, w / 3, h / 3));
                    case 3 -> {
                        g.setStroke(new BasicStroke((float) (1 + size * 0.03 * rnd.nextDouble())));
                        Path2D p = new Path2D.Double();
                        p.moveTo(x, y);
                        for (int k = 0; k < 2 + rnd.nextInt(3); k++) {
                            p.lineTo(rnd.nextDouble() * size, rnd.nextDouble() * size);
                        }
                        g.draw(p);
                    }
                    default -> {
                        Path2D p = new Path2D.Double();
                        p.moveTo(x, y);
                        p.lineTo(x + w, y + (rnd.nextDouble() - 0.5) * h);
                        p.lineTo(x + (rnd.nextDouble() - 0.5) * w, y + h);
                        p.closePath();
                        g.fill(p);
                    }
                }
            }
        }
    }
}
