package dev.aegis.history.records;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Position after the last record of a page: (createdAt, id), the same pair the query sorts on,
 * so a page never repeats or skips a record while new records arrive. Opaque to clients.
 */
record Cursor(Instant createdAt, String id) {

    String encode() {
        String raw = createdAt.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            if (colon <= 0 || colon == raw.length() - 1) {
                throw new IllegalArgumentException("no position");
            }
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))), raw.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a cursor returned by this API");
        }
    }

    static Cursor after(HistoryRecord last) {
        return new Cursor(last.createdAt(), last.id());
    }
}
