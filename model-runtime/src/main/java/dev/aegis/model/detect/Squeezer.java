package dev.aegis.model.detect;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One feature squeezer of Xu et al. 2018, on images in pixel space [0,1], layout HWC. Written in
 * model cards as a spec string: {@code bit-depth-B} (B = 1..8), {@code median-KxK} (K = 2..5),
 * {@code non-local-means-S-P-H} (search window S, patch P, filter strength H on the 0..255 scale,
 * as the paper's "11-3-4").
 */
public sealed interface Squeezer permits Squeezer.BitDepth, Squeezer.Median, Squeezer.NonLocalMeans {

    float[] squeeze(float[] pixels, int h, int w, int c);

    String spec();

    static Squeezer parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("squeezer spec is null");
        }
        Matcher m;
        if ((m = Pattern.compile("bit-depth-(\\d)").matcher(spec)).matches()) {
            return new BitDepth(Integer.parseInt(m.group(1)));
        }
        if ((m = Pattern.compile("median-(\\d)x(\\d)").matcher(spec)).matches() && m.group(1).equals(m.group(2))) {
            return new Median(Integer.parseInt(m.group(1)));
        }
        if ((m = Pattern.compile("non-local-means-(\\d{1,2})-(\\d)-(\\d{1,2})").matcher(spec)).matches()) {
            return new NonLocalMeans(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
        }
        throw new IllegalArgumentException("unknown squeezer '" + spec
                + "' (expected bit-depth-B, median-KxK or non-local-means-S-P-H)");
    }

    /** Rounds every value to one of 2^bits levels. */
    record BitDepth(int bits) implements Squeezer {
        public BitDepth {
            if (bits < 1 || bits > 8) {
                throw new IllegalArgumentException("bit depth must be in 1..8");
            }
        }

        @Override
        public float[] squeeze(float[] pixels, int h, int w, int c) {
            float levels = (1 << bits) - 1;
            float[] out = new float[pixels.length];
            for (int i = 0; i < out.length; i++) {
                float v = Math.min(1f, Math.max(0f, pixels[i]));
                out[i] = Math.round(v * levels) / levels;
            }
            return out;
        }

        @Override
        public String spec() {
            return "bit-depth-" + bits;
        }
    }

    /**
     * Median of a size x size window per channel, edges replicated. For even sizes the window
     * reaches one pixel further up/left and the upper median is taken, as scipy's
     * {@code median_filter} (which the paper's code uses) does.
     */
    record Median(int size) implements Squeezer {
        public Median {
            if (size < 2 || size > 5) {
                throw new IllegalArgumentException("median size must be in 2..5");
            }
        }

        @Override
        public float[] squeeze(float[] pixels, int h, int w, int c) {
            if (size == 2) {
                return squeeze2x2(pixels, h, w, c);
            }
            float[] out = new float[pixels.length];
            float[] window = new float[size * size];
            int lo = -(size / 2);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        int k = 0;
                        for (int dy = 0; dy < size; dy++) {
                            int yy = Math.min(h - 1, Math.max(0, y + lo + dy));
                            for (int dx = 0; dx < size; dx++) {
                                int xx = Math.min(w - 1, Math.max(0, x + lo + dx));
                                window[k++] = pixels[(yy * w + xx) * c + ch];
                            }
                        }
                        Arrays.sort(window);
                        out[(y * w + x) * c + ch] = window[window.length / 2];
                    }
                }
            }
            return out;
        }

        /**
         * The 2x2 case (the demo model's squeezer) without sorting: the upper median of four values
         * is the second largest, the larger of the two pairs' smaller maximum and larger minimum.
         * Sorting every window took a fifth of the inference JVM's Java time.
         */
        private static float[] squeeze2x2(float[] pixels, int h, int w, int c) {
            float[] out = new float[pixels.length];
            for (int y = 0; y < h; y++) {
                int up = Math.max(0, y - 1);
                for (int x = 0; x < w; x++) {
                    int left = Math.max(0, x - 1);
                    for (int ch = 0; ch < c; ch++) {
                        float a = pixels[(up * w + left) * c + ch];
                        float b = pixels[(up * w + x) * c + ch];
                        float d = pixels[(y * w + left) * c + ch];
                        float e = pixels[(y * w + x) * c + ch];
                        out[(y * w + x) * c + ch] = Math.max(Math.min(Math.max(a, b), Math.max(d, e)),
                                Math.max(Math.min(a, b), Math.min(d, e)));
                    }
                }
            }
            return out;
        }

        @Override
        public String spec() {
            return "median-" + size + "x" + size;
        }
    }

    /**
     * Non-local means (Buades et al.): each pixel becomes the average of the pixels in a search
     * window weighted by exp(-d/h^2), d = mean squared difference of the patches around them.
     */
    record NonLocalMeans(int search, int patch, int strength) implements Squeezer {
        public NonLocalMeans {
            if (search < 3 || search > 21 || search % 2 == 0 || patch < 1 || patch > 7 || patch % 2 == 0
                    || strength < 1 || strength > 64) {
                throw new IllegalArgumentException("non-local means needs an odd search window 3..21, an odd patch "
                        + "1..7 and a strength 1..64");
            }
        }

        @Override
        public float[] squeeze(float[] pixels, int h, int w, int c) {
            int sr = search / 2;
            int pr = patch / 2;
            double hh = Math.pow(strength / 255.0, 2);
            double norm = (double) patch * patch * c;
            double[] wsum = new double[h * w];
            double[] acc = new double[h * w * c];
            // padded squared differences for one offset, summed over channels, and their integral image
            int ph = h + 2 * pr;
            int pw = w + 2 * pr;
            double[] integral = new double[(ph + 1) * (pw + 1)];
            for (int dy = -sr; dy <= sr; dy++) {
                for (int dx = -sr; dx <= sr; dx++) {
                    for (int y = 0; y < ph; y++) {
                        int sy = clamp(y - pr, h);
                        int qy = clamp(y - pr + dy, h);
                        double row = 0;
                        for (int x = 0; x < pw; x++) {
                            int a = (sy * w + clamp(x - pr, w)) * c;
                            int b = (qy * w + clamp(x - pr + dx, w)) * c;
                            for (int ch = 0; ch < c; ch++) {
                                double diff = pixels[a + ch] - pixels[b + ch];
                                row += diff * diff;
                            }
                            integral[(y + 1) * (pw + 1) + x + 1] = integral[y * (pw + 1) + x + 1] + row;
                        }
                    }
                    for (int y = 0; y < h; y++) {
                        int qy = y + dy;
                        if (qy < 0 || qy >= h) {
                            continue;
                        }
                        for (int x = 0; x < w; x++) {
                            int qx = x + dx;
                            if (qx < 0 || qx >= w) {
                                continue;
                            }
                            // patch around (y, x) = padded rows y..y+2pr, columns x..x+2pr
                            int y1 = y + patch;
                            int x1 = x + patch;
                            double d = integral[y1 * (pw + 1) + x1] - integral[y * (pw + 1) + x1]
                                    - integral[y1 * (pw + 1) + x] + integral[y * (pw + 1) + x];
                            double wt = Math.exp(-(d / norm) / hh);
                            int p = y * w + x;
                            wsum[p] += wt;
                            int qb = (qy * w + qx) * c;
                            for (int ch = 0; ch < c; ch++) {
                                acc[p * c + ch] += wt * pixels[qb + ch];
                            }
                        }
                    }
                }
            }
            float[] out = new float[pixels.length];
            for (int p = 0; p < h * w; p++) {
                for (int ch = 0; ch < c; ch++) {
                    out[p * c + ch] = (float) (acc[p * c + ch] / wsum[p]);
                }
            }
            return out;
        }

        private static int clamp(int v, int n) {
            return Math.min(n - 1, Math.max(0, v));
        }

        @Override
        public String spec() {
            return "non-local-means-" + search + "-" + patch + "-" + strength;
        }
    }
}
