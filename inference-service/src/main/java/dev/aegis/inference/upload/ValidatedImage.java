package dev.aegis.inference.upload;

import java.util.HexFormat;

/**
 * An upload whose bytes were sniffed, size-checked and fully decoded once.
 *
 * @param name        the client's file name (display only; never used as a storage key)
 * @param bytes       the original bytes, stored unchanged
 * @param format      sniffed format: png, jpeg, gif, bmp, webp
 * @param contentType content type derived from the sniffed format
 * @param sha256      hex digest of the bytes; the image id, so identical bytes reuse one object
 */
public record ValidatedImage(String name, byte[] bytes, String format, String contentType, int width, int height,
                             String sha256) {

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
