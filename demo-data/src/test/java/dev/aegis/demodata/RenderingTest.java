package dev.aegis.demodata;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RenderingTest {

    @Test
    void rasterizesMonochromeAndColourIcons() throws Exception {
        for (LabelledIcon li : Fixtures.catalogue().icons()) {
            BufferedImage img = new SvgRasterizer(li.icon()).render(48, 48);
            assertThat(img.getWidth()).isEqualTo(48);
            assertThat(SvgRasterizer.coverage(img)).as(li.icon().key()).isGreaterThan(0.05);
        }
    }

    @Test
    void composesNonBlankImagesOfTheRequestedSize() throws Exception {
        for (LabelledIcon li : Fixtures.catalogue().icons()) {
            for (int size : new int[]{32, 64, 96}) {
                BufferedImage img = Augmenter.compose(new SvgRasterizer(li.icon()), li.palette(), size, new Random(7));
                assertThat(img.getWidth()).isEqualTo(size);
                assertThat(img.getHeight()).isEqualTo(size);
                assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
                assertThat(stdDev(img)).as(li.icon().key() + " at " + size).isGreaterThan(5);
            }
        }
    }

    @Test
    void sameSeedSameImageOtherSeedOtherImage() throws Exception {
        LabelledIcon li = Fixtures.catalogue().icons().get(0);
        SvgRasterizer r = new SvgRasterizer(li.icon());
        BufferedImage a = Augmenter.compose(r, li.palette(), 64, new Random(123));
        BufferedImage b = Augmenter.compose(new SvgRasterizer(li.icon()), li.palette(), 64, new Random(123));
        BufferedImage c = Augmenter.compose(r, li.palette(), 64, new Random(124));
        assertThat(pixels(a)).isEqualTo(pixels(b));
        assertThat(pixels(a)).isNotEqualTo(pixels(c));
    }

    @Test
    void iconIsVisibleAgainstTheBackground() throws Exception {
        // the glyph changes the picture: same seed with and without the icon drawn differ in the centre
        LabelledIcon li = Fixtures.catalogue().icons().get(0);
        int differing = 0;
        for (int seed = 0; seed < 20; seed++) {
            BufferedImage withIcon = Augmenter.compose(new SvgRasterizer(li.icon()), false, 64, new Random(seed));
            BufferedImage background = Augmenter.Backgrounds.random(64, new Random(seed));
            if (meanAbsDiff(withIcon, background) > 10) {
                differing++;
            }
        }
        assertThat(differing).isGreaterThanOrEqualTo(18);
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static double stdDev(BufferedImage img) {
        double s = 0, s2 = 0;
        int n = 0;
        for (int p : pixels(img)) {
            double l = Augmenter.luma(p) * 255;
            s += l;
            s2 += l * l;
            n++;
        }
        double mean = s / n;
        return Math.sqrt(Math.max(0, s2 / n - mean * mean));
    }

    private static double meanAbsDiff(BufferedImage a, BufferedImage b) {
        int[] pa = pixels(a), pb = pixels(b);
        double d = 0;
        for (int i = 0; i < pa.length; i++) {
            d += Math.abs(Augmenter.luma(pa[i]) - Augmenter.luma(pb[i])) * 255;
        }
        return d / pa.length * 4; // the icon covers roughly a quarter of the frame or more
    }
}
