package dev.aegis.reliability;

import static dev.aegis.testsupport.TestFiles.jpeg;
import static dev.aegis.testsupport.TestFiles.png;
import static dev.aegis.testsupport.TestFiles.pngHeaderBomb;
import static dev.aegis.testsupport.TestFiles.truncated;
import static dev.aegis.testsupport.TestFiles.zip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;


/**
 * Hostile uploads built in memory, so the corpus needs no binary fixtures in the repository and
 * every case says how it was made. Each file carries the statuses an upload endpoint may answer:
 * never 2xx for anything that is not an image we accept, never 5xx for anything at all.
 */
public final class HostileFiles {

    /** A hostile file: name as the client claims it, bytes, and what it is. */
    public record Hostile(String name, byte[] bytes, String what) {
        @Override
        public String toString() {
            return name + " (" + what + ", " + bytes.length + " B)";
        }
    }

    private HostileFiles() {
    }

    /** Every hostile file, built once per call (about 300 KB in all). */
    public static List<Hostile> all() {
        List<Hostile> all = new ArrayList<>();
        all.add(new Hostile("empty.png", new byte[0], "empty file"));
        all.add(new Hostile("random.jpg", random(4096, 1), "random bytes named .jpg"));
        all.add(new Hostile("truncated.png", truncated(png(64, 64, 3)), "PNG cut in half"));
        all.add(new Hostile("header-only.png", Arrays.copyOf(png(64, 64, 4), 33), "PNG signature and IHDR only"));
        all.add(new Hostile("truncated.jpg", truncated(jpeg(64, 64, 5)), "JPEG cut in half"));
        all.add(new Hostile("soi-only.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0},
                "JPEG start marker only"));
        all.add(new Hostile("bomb-20000.png", pngHeaderBomb(20_000, 20_000), "PNG header declaring 20000x20000"));
        all.add(new Hostile("bomb-65535.png", pngHeaderBomb(65_535, 65_535), "PNG header declaring 65535x65535"));
        all.add(new Hostile("bomb-65500.jpg", jpegHeaderBomb(65_500, 65_500), "JPEG SOF0 declaring 65500x65500"));
        all.add(new Hostile("image.svg.png", svg(), "SVG with script named .png"));
        all.add(new Hostile("page.jpg", html(), "HTML with script named .jpg"));
        all.add(new Hostile("bomb.zip", zipBomb(64L * 1024 * 1024), "zip of one 64 MiB entry of zeros (ratio ~1000:1)"));
        all.add(new Hostile("nested.zip", nestedZip(), "zip holding a zip holding images"));
        all.add(new Hostile("traversal.zip", zip(Map.of("../../etc/evil.png", png(16, 16, 6))),
                "zip entry ../../etc/evil.png"));
        all.add(new Hostile("absolute.zip", zip(Map.of("/tmp/evil.png", png(16, 16, 7))), "zip entry /tmp/evil.png"));
        all.add(new Hostile("windows.zip", zip(Map.of("C:\\Windows\\evil.png", png(16, 16, 8))),
                "zip entry C:\\Windows\\evil.png"));
        all.add(new Hostile("corrupt.zip", truncated(zip(Map.of("a.png", png(32, 32, 9)))), "zip cut in half"));
        all.add(new Hostile("disguised.zip", zip(Map.of("a.png", svg(), "b.jpg", html())),
                "zip of SVG and HTML named as images"));
        return all;
    }

    /**
     * Polyglots: a complete, decodable image followed by another format. The image part is a real
     * image, so accepting it as that image is correct provided it is stored and served as an image
     * (its sniffed type), never as the trailing format.
     */
    public static List<Hostile> polyglots() {
        byte[] png = png(32, 32, 11);
        return List.of(
                new Hostile("polyglot-zip.png", concat(png, zip(Map.of("payload.html", html()))), "PNG + zip"),
                new Hostile("polyglot-html.png", concat(png, html()), "PNG + HTML"),
                new Hostile("polyglot-jar.jpg", concat(jpeg(32, 32, 12), zip(Map.of("META-INF/MANIFEST.MF",
                        "Manifest-Version: 1.0\n".getBytes(StandardCharsets.US_ASCII)))), "JPEG + jar"));
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** A real small JPEG whose SOF0 frame header is rewritten to declare {@code width x height}. */
    static byte[] jpegHeaderBomb(int width, int height) {
        byte[] b = jpeg(16, 16, 13);
        for (int i = 2; i + 9 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && ((b[i + 1] & 0xFF) == 0xC0 || (b[i + 1] & 0xFF) == 0xC2)) {
                b[i + 5] = (byte) (height >> 8);
                b[i + 6] = (byte) height;
                b[i + 7] = (byte) (width >> 8);
                b[i + 8] = (byte) width;
                return b;
            }
        }
        throw new IllegalStateException("no SOF marker in the generated JPEG");
    }

    static byte[] svg() {
        return ("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                + "<script>alert(document.cookie)</script><rect width=\"10\" height=\"10\"/></svg>")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] html() {
        return "<!DOCTYPE html><html><body><script>fetch('/api/history').then(r=>r.text())</script></body></html>"
                .getBytes(StandardCharsets.UTF_8);
    }

    /** One entry named {@code zeros.png} of {@code inflated} zero bytes, deflated at best ratio. */
    static byte[] zipBomb(long inflated) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setLevel(Deflater.BEST_COMPRESSION);
                zip.putNextEntry(new ZipEntry("zeros.png"));
                byte[] block = new byte[1 << 20];
                for (long written = 0; written < inflated; written += block.length) {
                    zip.write(block);
                }
                zip.closeEntry();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] nestedZip() {
        Map<String, byte[]> inner = new LinkedHashMap<>();
        inner.put("a.png", png(16, 16, 14));
        inner.put("bomb.zip", zipBomb(8L * 1024 * 1024));
        return zip(Map.of("inner.zip", zip(inner), "ok.png", png(16, 16, 15)));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
