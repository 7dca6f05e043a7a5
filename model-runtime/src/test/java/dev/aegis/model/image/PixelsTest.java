package dev.aegis.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;

import org.junit.jupiter.api.Test;

import dev.aegis.model.ModelCard;

class PixelsTest {

    @Test
    void preprocessResizesToTheCardAndScalesToItsRange() {
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                img.setRGB(x, y, new Color(255, 0, 51).getRGB());
            }
        }
        float[] unit = Pixels.preprocess(img, new ModelCard.Input(8, 8, 3, 0, 1));
        assertThat(unit).hasSize(8 * 8 * 3);
        assertThat(unit[0]).isCloseTo(1f, within(1e-6f));
        assertThat(unit[1]).isCloseTo(0f, within(1e-6f));
        assertThat(unit[2]).isCloseTo(0.2f, within(1e-6f));
        float[] signed = Pixels.preprocess(img, new ModelCard.Input(8, 8, 3, -1, 1));
        assertThat(signed[0]).isCloseTo(1f, within(1e-6f));
        assertThat(signed[1]).isCloseTo(-1f, within(1e-6f));
        assertThat(signed[2]).isCloseTo(-0.6f, within(1e-6f));
        float[] grey = Pixels.preprocess(img, new ModelCard.Input(4, 4, 1, 0, 1));
        assertThat(grey).hasSize(16);
        assertThat(grey[0]).isCloseTo((0.299f * 255 + 0.114f * 51) / 255f, within(1e-5f));
    }

    @Test
    void transparencyBecomesWhiteAndRoundTripIsExactOn8BitValues() {
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        float[] white = Pixels.preprocess(argb, new ModelCard.Input(4, 4, 3, 0, 1));
        for (float v : white) {
            assertThat(v).isEqualTo(1f);
        }
        float[] px = new float[4 * 4 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i * 17 % 256) / 255f;
        }
        BufferedImage img = Pixels.toImage(px, 4, 4, 3);
        assertThat(Pixels.toPixelSpace(img, 3)).containsExactly(px, within(1e-6f));
        assertThat(Pixels.toPng(img)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    void valueRangeConversionsAreInverse() {
        ModelCard.Input in = new ModelCard.Input(2, 2, 1, -2, 3);
        float[] px = {0f, 0.25f, 0.5f, 1f};
        assertThat(Pixels.toPixelSpace(Pixels.fromPixelSpace(px, in), in)).containsExactly(px, within(1e-6f));
    }
}
