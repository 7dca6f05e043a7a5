package dev.aegis.inference.batch;

import java.net.URI;
import java.time.Instant;

/** What {@code GET /api/batches/{id}} answers; {@code finished} once nothing is PENDING. */
public record BatchProgress(String id, BatchStatus status, int total, long pending, long done, long failed,
                            long cancelled, boolean finished, Instant createdAt, URI results) {
}
