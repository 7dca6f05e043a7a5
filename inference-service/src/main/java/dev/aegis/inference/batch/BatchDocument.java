package dev.aegis.inference.batch;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** One batch in {@code aegis.batches}; its items are predictions carrying its id. */
@Document("batches")
public record BatchDocument(@Id String id, String userId, BatchStatus status, int total, String source,
                            Instant createdAt, Instant cancelledAt) {
}
