package dev.aegis.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.YELLOW);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).as("writer for " + format).isTrue();
        return out.toByteArray();
    }

    @Test
    void decodesPngJpegBmpGifAndTiffSniffingTheBytes() throws Exception {
        for (String format : new String[] {"png", "jpeg", "bmp", "gif", "tiff"}) {
            ImageDecoder.Decoded d = decoder.decodeWithFormat(encode(picture(40, 30), format));
            assertThat(d.image().getWidth()).as(format).isEqualTo(40);
            assertThat(d.image().getHeight()).as(format).isEqualTo(30);
        }
        assertThat(ImageDecoder.supportedFormats()).contains("png", "jpeg", "webp", "tiff", "bmp");
    }

    @Test
    void emptyAndGarbageBytesAreRejected() {
        assertThatThrownBy(() -> decoder.decode(new byte[0])).isInstanceOf(CorruptImageException.class);
        assertThatThrownBy(() -> decoder.decode(null)).isInstanceOf(CorruptImageException.class);
        assertThatThrownBy(() -> decoder.decode("hello, not an image".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnsupportedImageException.class).hasMessageContaining("unsupported");
        byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decoder.decode(svg)).isInstanceOf(UnsupportedImageException.class);
        byte[] pdf = "%PDF-1.7\n%âãÏÓ\n1 0 obj".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> decoder.decode(pdf)).isInstanceOf(ImageRejectedException.class);
    }

    @Test
    void truncatedPngIsCorrupt() throws Exception {
        byte[] png = encode(picture(64, 64), "png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> decoder.decode(cut)).isInstanceOf(CorruptImageException.class);
        byte[] header = Arrays.copyOf(png, 20);
        assertThatThrownBy(() -> decoder.decode(header)).isInstanceOf(CorruptImageException.class);
    }

    @Test
    void truncatedJpegIsCorrupt() throws Exception {
        byte[] jpeg = encode(picture(128, 128), "jpeg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> decoder.decode(cut)).isInstanceOf(CorruptImageException.class);
    }

    @Test
    void damagedPngDataIsCorrupt() throws Exception {
        byte[] png = encode(picture(64, 64), "png");
        for (int i = 60; i < png.length - 20; i++) {
            png[i] = (byte) (png[i] ^ 0x5A);
        }
        assertThatThrownBy(() -> decoder.decode(png)).isInstanceOf(CorruptImageException.class);
    }

    @Test
    void pixelBombIsRejectedFromItsHeaderBeforeDecoding() throws Exception {
        byte[] png = encode(picture(1, 1), "png");
        // IHDR data starts at byte 16: width, height; CRC over type + data follows at 29
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 100_000);
        b.putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        assertThatThrownBy(() -> decoder.decode(png)).isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("100000x100000");
        ImageDecoder small = new ImageDecoder(100);
        assertThatThrownBy(() -> small.decode(encode(picture(20, 20), "png"))).isInstanceOf(ImageTooLargeException.class);
        assertThat(small.decode(encode(picture(10, 10), "png")).getWidth()).isEqualTo(10);
    }
}
