package dev.aegis.demodata;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Streams the regular files of a gzip-compressed tar (npm tarballs are ustar). Only what npm emits is
 * supported: ustar headers with the prefix field, pax ('x') and GNU long-name ('L') records for long paths.
 * Streaming keeps memory at one entry, which matters for a 480 MB unpacked package.
 */
public final class TarGzReader {

    /** Receives one entry's path and content. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(String path, byte[] content) throws IOException;
    }

    private TarGzReader() {
    }

    public static void read(Path tgz, Predicate<String> wanted, EntryConsumer consumer) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            read(in, wanted, consumer);
        }
    }

    static void read(InputStream in, Predicate<String> wanted, EntryConsumer consumer) throws IOException {
        byte[] header = new byte[512];
        String longName = null;
        while (true) {
            if (!readFully(in, header)) {
                return;
            }
            if (isZero(header)) {
                return; // end-of-archive marker
            }
            String name = cString(header, 0, 100);
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty() && "ustar".equals(cString(header, 257, 5))) {
                name = prefix + "/" + name;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("tar entry too large: " + name);
            }
            long padded = (size + 511) / 512 * 512;
            if (type == 'x' || type == 'L') {
                byte[] meta = readBytes(in, (int) size);
                skip(in, padded - size);
                longName = type == 'L' ? cString(meta, 0, meta.length) : paxPath(meta);
                continue;
            }
            boolean regular = type == '0' || type == 0;
            if (regular && wanted.test(name)) {
                byte[] content = readBytes(in, (int) size);
                skip(in, padded - size);
                consumer.accept(name, content);
            } else {
                skip(in, padded);
            }
        }
    }

    private static String paxPath(byte[] meta) {
        // records: "<len> key=value\n"
        String s = new String(meta, StandardCharsets.UTF_8);
        for (String line : s.split("\n")) {
            int space = line.indexOf(' ');
            int eq = line.indexOf('=');
            if (space > 0 && eq > space && "path".equals(line.substring(space + 1, eq))) {
                return line.substring(eq + 1);
            }
        }
        return null;
    }

    private static boolean readFully(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int n = in.read(buf, off, buf.length - off);
            if (n < 0) {
                if (off == 0) {
                    return false;
                }
                throw new IOException("truncated tar archive");
            }
            off += n;
        }
        return true;
    }

    private static byte[] readBytes(InputStream in, int size) throws IOException {
        byte[] b = new byte[size];
        if (size > 0 && !readFully(in, b)) {
            throw new IOException("truncated tar archive");
        }
        return b;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("truncated tar archive");
                }
                s = 1;
            }
            left -= s;
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        long v = 0;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || c == ' ') {
                if (v > 0) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                break;
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }
}
