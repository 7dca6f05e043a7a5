package dev.aegis.history.records;

/**
 * Answer to "erase all my data": the records are gone when this is returned; the stored images
 * are deleted by the services that consume the erasure event.
 */
record ErasureResponse(long deletedRecords, String erasureEventId) {
}
