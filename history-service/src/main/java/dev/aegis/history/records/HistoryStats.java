package dev.aegis.history.records;

import java.util.List;

/**
 * Counts over the user's records matching the filters.
 *
 * @param perLabel most frequent first; a null label is a failed prediction or attack
 * @param perDay   UTC days in ascending order, days without records are absent
 */
record HistoryStats(long total, long flagged, List<LabelCount> perLabel, List<DayCount> perDay) {

    record LabelCount(String label, long count) {
    }

    record DayCount(String day, long count) {
    }

    record Count(String key, long count) {
    }
}
