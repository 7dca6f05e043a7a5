package dev.aegis.history.records;

import java.util.List;

/** One page of records; {@code nextCursor} is null on the last page. */
record HistoryPage(List<HistoryItem> items, int size, String nextCursor) {
}
