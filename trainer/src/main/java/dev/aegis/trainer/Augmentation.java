package dev.aegis.trainer;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import dev.aegis.model.detect.Squeezer;
import dev.aegis.model.train.Dataset;
import dev.aegis.model.train.Fitter;

/**
 * The seed's augmentations in pixel space: horizontal flips, random shifts (crop + pad with the
 * edge), brightness and contrast jitter. Deterministic given the fitter's random source.
 */
public final class Augmentation implements Fitter.Augmenter {

    private final boolean flip;
    private final int shift;
    private final double brightness;
    private final double contrast;
    private final boolean squeeze;

    /**
     * Squeezers of the detector's candidate set. Training on squeezed copies keeps the model's
     * prediction on a squeezed clean image close to the one on the image itself, which is what
     * the feature-squeezing detector's false-positive rate depends on.
     */
    static final List<Squeezer> SQUEEZERS = List.of(new Squeezer.BitDepth(1), new Squeezer.BitDepth(2),
            new Squeezer.Median(2));

    public Augmentation(boolean flip, int shift, double brightness, double contrast) {
        this(flip, shift, brightness, contrast, false);
    }

    public Augmentation(boolean flip, int shift, double brightness, double contrast, boolean squeeze) {
        this.flip = flip;
        this.shift = shift;
        this.brightness = brightness;
        this.contrast = contrast;
        this.squeeze = squeeze;
    }

    /**
     * Parses "flip,shift,color,squeeze" (or "none"); shift = 10% of the side, color = +-0.1
     * brightness, +-20% contrast, squeeze = half of the images replaced by a bit-depth-1,
     * bit-depth-2 or 2x2-median squeezed copy.
     */
    public static Augmentation parse(String spec, int side) {
        Set<String> parts = new TreeSet<>();
        for (String p : spec.toLowerCase(Locale.ROOT).split(",")) {
            if (!p.isBlank()) {
                parts.add(p.strip());
            }
        }
        for (String p : parts) {
            if (!Set.of("none", "flip", "shift", "color", "squeeze").contains(p)) {
                throw new IllegalArgumentException("unknown augmentation '" + p + "' (flip, shift, color, squeeze, none)");
            }
        }
        boolean color = parts.contains("color");
        return new Augmentation(parts.contains("flip"), parts.contains("shift") ? Math.max(1, side / 10) : 0,
                color ? 0.1 : 0, color ? 0.2 : 0, parts.contains("squeeze"));
    }

    public boolean isNone() {
        return !flip && shift == 0 && brightness == 0 && contrast == 0 && !squeeze;
    }

    @Override
    public String toString() {
        return isNone() ? "none" : ((flip ? "flip " : "") + (shift > 0 ? "shift(" + shift + "px) " : "")
                + (brightness > 0 ? "brightness/contrast " : "") + (squeeze ? "squeeze" : "")).strip();
    }

    @Override
    public float[][] augment(float[][] batch, Dataset data, SplittableRandom random) {
        if (isNone()) {
            return batch;
        }
        int h = data.height();
        int w = data.width();
        int c = data.channels();
        for (int i = 0; i < batch.length; i++) {
            float[] x = batch[i];
            boolean doFlip = flip && random.nextBoolean();
            int dy = shift > 0 ? random.nextInt(2 * shift + 1) - shift : 0;
            int dx = shift > 0 ? random.nextInt(2 * shift + 1) - shift : 0;
            float b = brightness > 0 ? (float) ((random.nextDouble() * 2 - 1) * brightness) : 0f;
            float k = contrast > 0 ? (float) (1 + (random.nextDouble() * 2 - 1) * contrast) : 1f;
            Squeezer sq = squeeze && random.nextBoolean() ? SQUEEZERS.get(random.nextInt(SQUEEZERS.size())) : null;
            if (!doFlip && dx == 0 && dy == 0 && b == 0f && k == 1f) {
                if (sq != null) {
                    batch[i] = sq.squeeze(x, h, w, c);
                }
                continue;
            }
            float mean = 0;
            if (k != 1f) {
                for (float v : x) {
                    mean += v;
                }
                mean /= x.length;
            }
            float[] out = new float[x.length];
            for (int yy = 0; yy < h; yy++) {
                int sy = Math.min(h - 1, Math.max(0, yy + dy));
                for (int xx = 0; xx < w; xx++) {
                    int sx0 = Math.min(w - 1, Math.max(0, xx + dx));
                    int sx = doFlip ? w - 1 - sx0 : sx0;
                    for (int ch = 0; ch < c; ch++) {
                        float v = x[(sy * w + sx) * c + ch];
                        v = (v - mean) * k + mean + b;
                        out[(yy * w + xx) * c + ch] = Math.min(1f, Math.max(0f, v));
                    }
                }
            }
            batch[i] = sq == null ? out : sq.squeeze(out, h, w, c);
        }
        return batch;
    }
}
