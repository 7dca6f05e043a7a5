package dev.aegis.model.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SqueezerTest {

    @Test
    void specsRoundTripAndBadSpecsAreRejected() {
        for (String spec : new String[] {"bit-depth-1", "bit-depth-5", "median-2x2", "median-3x3",
                "non-local-means-11-3-4"}) {
            assertThat(Squeezer.parse(spec).spec()).isEqualTo(spec);
        }
        for (String bad : new String[] {"bit-depth-0", "bit-depth-9", "median-1x1", "median-2x3", "blur",
                "non-local-means-10-3-4", ""}) {
            assertThatThrownBy(() -> Squeezer.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void evenMedianLooksUpAndLeftAndTakesTheUpperMedianAsScipy() {
        // 2x2 window at (y, x) = rows y-1..y, columns x-1..x (edges replicated); upper of the two middle values
        float[] img = {
                0.0f, 0.1f, 0.2f,
                0.3f, 0.4f, 0.5f,
                0.6f, 0.7f, 0.8f};
        float[] out = new Squeezer.Median(2).squeeze(img, 3, 3, 1);
        // (1,1): {0.0, 0.1, 0.3, 0.4} -> 0.3 ; (0,0): {0,0,0,0} -> 0 ; (2,2): {0.4,0.5,0.7,0.8} -> 0.7
        assertThat(out[4]).isEqualTo(0.3f);
        assertThat(out[0]).isEqualTo(0.0f);
        assertThat(out[8]).isEqualTo(0.7f);
    }

    @Test
    void everyMedianSizeMatchesSortingEachWindow() {
        SplittableRandom random = new SplittableRandom(7);
        for (int size = 2; size <= 5; size++) {
            int h = 9, w = 7, c = 3;
            float[] img = new float[h * w * c];
            for (int i = 0; i < img.length; i++) {
                // half of them from a few values, so that windows hold ties as well
                img[i] = random.nextBoolean() ? random.nextInt(6) / 5f : (float) random.nextDouble();
            }
            float[] out = new Squeezer.Median(size).squeeze(img, h, w, c);
            int lo = -(size / 2);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        float[] window = new float[size * size];
                        int k = 0;
                        for (int dy = 0; dy < size; dy++) {
                            for (int dx = 0; dx < size; dx++) {
                                int yy = Math.min(h - 1, Math.max(0, y + lo + dy));
                                int xx = Math.min(w - 1, Math.max(0, x + lo + dx));
                                window[k++] = img[(yy * w + xx) * c + ch];
                            }
                        }
                        java.util.Arrays.sort(window);
                        assertThat(out[(y * w + x) * c + ch]).as("median %dx%d at (%d,%d,%d)", size, size, y, x, ch)
                                .isEqualTo(window[window.length / 2]);
                    }
                }
            }
        }
    }

    @Test
    void nonLocalMeansMatchesTheDirectDefinitionAndKeepsFlatImages() {
        SplittableRandom r = new SplittableRandom(3);
        int h = 9;
        int w = 7;
        int c = 2;
        float[] img = new float[h * w * c];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) r.nextDouble();
        }
        Squeezer.NonLocalMeans nlm = new Squeezer.NonLocalMeans(5, 3, 60);
        float[] fast = nlm.squeeze(img, h, w, c);
        float[] direct = direct(img, h, w, c, 5, 3, 60);
        assertThat(fast).containsExactly(direct, Offset.offset(1e-5f));
        assertThat(fast).isNotEqualTo(img);
        float[] flat = new float[h * w * c];
        java.util.Arrays.fill(flat, 0.25f);
        assertThat(nlm.squeeze(flat, h, w, c)).containsOnly(0.25f);
    }

    /** The textbook definition: weighted average over the search window, weights from patch distances. */
    static float[] direct(float[] px, int h, int w, int c, int search, int patch, int strength) {
        float[] out = new float[px.length];
        int sr = search / 2;
        int pr = patch / 2;
        double hh = Math.pow(strength / 255.0, 2);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double wsum = 0;
                double[] acc = new double[c];
                for (int qy = Math.max(0, y - sr); qy <= Math.min(h - 1, y + sr); qy++) {
                    for (int qx = Math.max(0, x - sr); qx <= Math.min(w - 1, x + sr); qx++) {
                        double d = 0;
                        for (int oy = -pr; oy <= pr; oy++) {
                            for (int ox = -pr; ox <= pr; ox++) {
                                for (int ch = 0; ch < c; ch++) {
                                    double diff = at(px, h, w, c, y + oy, x + ox, ch) - at(px, h, w, c, qy + oy, qx + ox, ch);
                                    d += diff * diff;
                                }
                            }
                        }
                        double wt = Math.exp(-(d / (patch * patch * c)) / hh);
                        wsum += wt;
                        for (int ch = 0; ch < c; ch++) {
                            acc[ch] += wt * px[(qy * w + qx) * c + ch];
                        }
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    out[(y * w + x) * c + ch] = (float) (acc[ch] / wsum);
                }
            }
        }
        return out;
    }

    static float at(float[] px, int h, int w, int c, int y, int x, int ch) {
        return px[(Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))) * c + ch];
    }
}
