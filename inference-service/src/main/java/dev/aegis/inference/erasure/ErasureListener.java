package dev.aegis.inference.erasure;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.Topics;
import dev.aegis.events.UserErasureRequested;
import dev.aegis.inference.batch.BatchService;
import dev.aegis.inference.prediction.PredictionService;
import dev.aegis.inference.upload.UploadStore;

/**
 * A user asked to be forgotten: their uploads ({@code uploads/{userId}/}), predictions and
 * batches go. Deleting what is already gone is a no-op, so a redelivered request is harmless;
 * a failure is retried by the container's error handler and then dead-lettered.
 */
@Component
@Profile("api")
class ErasureListener {

    private static final Logger log = LoggerFactory.getLogger(ErasureListener.class);

    private final UploadStore uploads;
    private final PredictionService predictions;
    private final BatchService batches;

    ErasureListener(UploadStore uploads, PredictionService predictions, BatchService batches) {
        this.uploads = uploads;
        this.predictions = predictions;
        this.batches = batches;
    }

    @KafkaListener(id = "inference-erasure", groupId = "inference-api", topics = Topics.USER_ERASURE)
    void onErasure(CloudEvent<?> event) {
        if (!(event.data() instanceof UserErasureRequested)) {
            return;
        }
        String userId = event.userid();
        Integer objects = uploads.deleteAll(userId).block(Duration.ofMinutes(2));
        Long records = predictions.deleteAll(userId).block(Duration.ofMinutes(1));
        Long batchRecords = batches.deleteAll(userId).block(Duration.ofMinutes(1));
        log.info("erased user {}: {} objects, {} predictions, {} batches", userId, objects, records, batchRecords);
    }
}
