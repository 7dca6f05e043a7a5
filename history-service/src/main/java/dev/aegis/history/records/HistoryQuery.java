package dev.aegis.history.records;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A validated history query. Parsing collects every problem at once so a client fixes its
 * request in one round trip; the controller turns them into one problem+json 400.
 *
 * @param to exclusive upper bound
 */
record HistoryQuery(
        RecordKind kind,
        String label,
        String modelVersion,
        Instant from,
        Instant to,
        String batchId,
        Boolean flagged,
        Cursor cursor,
        int size,
        boolean ascending) {

    static final int DEFAULT_SIZE = 20;
    static final int MAX_SIZE = 100;
    static final int MAX_TEXT = 200;

    /** Query parameters of {@code GET /api/history}; anything else is rejected, a typo must not widen a filter silently. */
    static final Set<String> LIST_PARAMETERS = Set.of("kind", "label", "modelVersion", "from", "to", "batchId",
            "flagged", "cursor", "size", "sort");
    static final Set<String> STATS_PARAMETERS = Set.of("kind", "label", "modelVersion", "from", "to", "batchId",
            "flagged");

    /** The filters only, for statistics. */
    static HistoryQuery filters(Map<String, String> params) {
        return parse(params, false);
    }

    static HistoryQuery page(Map<String, String> params) {
        return parse(params, true);
    }

    private static HistoryQuery parse(Map<String, String> p, boolean paged) {
        Map<String, String> errors = new LinkedHashMap<>();
        RecordKind kind = null;
        if (p.get("kind") != null) {
            try {
                kind = RecordKind.valueOf(p.get("kind").trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.put("kind", "must be one of PREDICTION, ATTACK, BATCH_ITEM");
            }
        }
        String label = text(p, "label", errors);
        String modelVersion = text(p, "modelVersion", errors);
        String batchId = text(p, "batchId", errors);
        Instant from = date(p, "from", false, errors);
        Instant to = date(p, "to", true, errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.put("to", "must be after 'from'");
        }
        Boolean flagged = null;
        if (p.get("flagged") != null) {
            switch (p.get("flagged").trim().toLowerCase(Locale.ROOT)) {
                case "true" -> flagged = true;
                case "false" -> flagged = false;
                default -> errors.put("flagged", "must be true or false");
            }
        }
        int size = DEFAULT_SIZE;
        Cursor cursor = null;
        boolean ascending = false;
        if (paged) {
            if (p.get("size") != null) {
                try {
                    size = Integer.parseInt(p.get("size").trim());
                    if (size < 1 || size > MAX_SIZE) {
                        errors.put("size", "must be between 1 and " + MAX_SIZE);
                    }
                } catch (NumberFormatException e) {
                    errors.put("size", "must be an integer between 1 and " + MAX_SIZE);
                }
            }
            if (p.get("cursor") != null) {
                try {
                    cursor = Cursor.decode(p.get("cursor").trim());
                } catch (IllegalArgumentException e) {
                    errors.put("cursor", e.getMessage());
                }
            }
            if (p.get("sort") != null) {
                switch (p.get("sort").trim().toLowerCase(Locale.ROOT)) {
                    case "desc", "-createdat", "createdat,desc" -> ascending = false;
                    case "asc", "createdat", "createdat,asc" -> ascending = true;
                    default -> errors.put("sort", "must be desc (newest first, the default) or asc");
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidQueryException(errors);
        }
        return new HistoryQuery(kind, label, modelVersion, from, to, batchId, flagged, cursor, size, ascending);
    }

    private static String text(Map<String, String> p, String name, Map<String, String> errors) {
        String value = p.get(name);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            errors.put(name, "must not be blank");
        } else if (value.length() > MAX_TEXT) {
            errors.put(name, "must be at most " + MAX_TEXT + " characters");
        }
        return value.trim();
    }

    /** An ISO-8601 instant, or a date meaning the start of that UTC day ({@code to}: the whole day is included). */
    private static Instant date(Map<String, String> p, String name, boolean upper, Map<String, String> errors) {
        String value = p.get(name);
        if (value == null) {
            return null;
        }
        String v = value.trim();
        try {
            if (v.length() == 10) {
                LocalDate day = LocalDate.parse(v);
                return (upper ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            errors.put(name, "must be an ISO-8601 date (2026-11-27) or instant (2026-11-27T10:15:30Z)");
            return null;
        }
    }
}
