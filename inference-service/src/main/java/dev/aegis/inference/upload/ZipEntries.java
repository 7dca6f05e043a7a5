package dev.aegis.inference.upload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.springframework.http.HttpStatus;

/**
 * Reads a zip of images without trusting it. Entry names are only labels (nothing is written
 * to disk), but a name with {@code ..}, an absolute path or a drive letter marks a hostile
 * archive and refuses it whole. Inflated bytes are counted as they are read, so a zip bomb
 * stops at the limit instead of at the end of memory: the sizes in the headers are not trusted.
 */
public final class ZipEntries {

    /** One file of the archive, inflated. */
    public record Entry(String name, byte[] bytes) {
    }

    private ZipEntries() {
    }

    /**
     * @param maxEntries     most files accepted
     * @param maxEntryBytes  largest inflated file
     * @param maxTotalBytes  largest sum of inflated files
     */
    public static List<Entry> read(byte[] zip, int maxEntries, long maxEntryBytes, long maxTotalBytes) {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                if (isTraversal(name)) {
                    throw new RejectedUploadException(HttpStatus.UNPROCESSABLE_CONTENT, "Unsafe archive",
                            "the archive contains an entry with an unsafe path: '" + name + "'",
                            Map.of(name, "path traversal or absolute path"));
                }
                if (entry.isDirectory() || isMetadata(name)) {
                    continue;
                }
                if (entries.size() + errors.size() >= maxEntries) {
                    throw RejectedUploadException.tooLarge("the archive holds more than " + maxEntries + " files");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long entryBytes = 0;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    entryBytes += n;
                    total += n;
                    if (entryBytes > maxEntryBytes) {
                        throw RejectedUploadException.tooLarge("entry '" + name + "' inflates to more than "
                                + maxEntryBytes + " bytes");
                    }
                    if (total > maxTotalBytes) {
                        throw RejectedUploadException.tooLarge("the archive inflates to more than "
                                + maxTotalBytes + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
                byte[] bytes = out.toByteArray();
                String lower = name.toLowerCase();
                if (ImageValidator.isZip(bytes) || lower.endsWith(".zip") || lower.endsWith(".jar")) {
                    errors.put(name, "nested archives are not accepted");
                } else {
                    entries.add(new Entry(name, bytes));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: malformed entry names (bad UTF-8) in ZipInputStream
            throw new RejectedUploadException(HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable archive",
                    "the zip archive is corrupt: " + e.getMessage());
        }
        if (!errors.isEmpty()) {
            throw new RejectedUploadException(HttpStatus.UNPROCESSABLE_CONTENT, "Rejected archive entries",
                    errors.size() + " entr" + (errors.size() == 1 ? "y" : "ies") + " of the archive cannot be used",
                    errors);
        }
        if (entries.isEmpty()) {
            throw new RejectedUploadException(HttpStatus.BAD_REQUEST, "Empty archive", "the archive holds no files");
        }
        return entries;
    }

    static boolean isTraversal(String name) {
        String n = name.replace('\\', '/');
        return n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.equals("..") || n.startsWith("../")
                || n.contains("/../") || n.endsWith("/..") || n.indexOf('\0') >= 0;
    }

    private static boolean isMetadata(String name) {
        return name.startsWith("__MACOSX/") || name.endsWith(".DS_Store");
    }
}
