package dev.aegis.inference;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits and tuning of both roles ({@code aegis.inference.*}).
 *
 * @param maxFileSize     largest accepted image file
 * @param maxPixels       largest accepted width x height, checked from the header before decoding
 * @param maxBatchImages  most images in one batch (multipart parts or zip entries)
 * @param maxBatchSize    largest batch request body, and largest total of inflated zip entries
 * @param maxWait         longest long-poll a client may ask for with {@code ?wait=}
 * @param batch           worker dynamic batching
 * @param detectorPolicy  {@code flag} (answer, mark as suspicious) or {@code reject} (answer FAILED)
 * @param workerConcurrency Kafka consumer threads of the worker
 * @param fetchRetries    attempts to fetch an image from storage before the request goes to the DLT
 * @param inlineMaxSize   largest image whose bytes also travel inside the request event, so the
 *                        worker skips the object store (the original is stored either way);
 *                        0 turns inlining off. Up to this size an upload is also put without a
 *                        stat first (the key is the content hash: a repeated put is idempotent)
 */
@ConfigurationProperties("aegis.inference")
public record InferenceProperties(
        DataSize maxFileSize,
        Long maxPixels,
        Integer maxBatchImages,
        DataSize maxBatchSize,
        Duration maxWait,
        Batch batch,
        DetectorPolicy detectorPolicy,
        Integer workerConcurrency,
        Integer fetchRetries,
        DataSize inlineMaxSize) {

    public InferenceProperties {
        maxFileSize = maxFileSize == null ? DataSize.ofMegabytes(10) : maxFileSize;
        maxPixels = maxPixels == null ? 40_000_000L : maxPixels;
        maxBatchImages = maxBatchImages == null ? 500 : maxBatchImages;
        maxBatchSize = maxBatchSize == null ? DataSize.ofMegabytes(100) : maxBatchSize;
        maxWait = maxWait == null ? Duration.ofSeconds(30) : maxWait;
        batch = batch == null ? new Batch(null, null) : batch;
        detectorPolicy = detectorPolicy == null ? DetectorPolicy.FLAG : detectorPolicy;
        workerConcurrency = workerConcurrency == null ? 2 : workerConcurrency;
        fetchRetries = fetchRetries == null ? 3 : fetchRetries;
        inlineMaxSize = inlineMaxSize == null ? DataSize.ofKilobytes(256) : inlineMaxSize;
    }

    /**
     * @param maxSize largest batch handed to TensorFlow in one call
     * @param maxWait how long the batcher waits for more requests once it holds at least one;
     *                0 (default): it runs at once with whatever is queued (adaptive batching:
     *                batches form by themselves while the model is busy with the previous one)
     */
    public record Batch(Integer maxSize, Duration maxWait) {
        public Batch {
            maxSize = maxSize == null ? 32 : maxSize;
            maxWait = maxWait == null ? Duration.ZERO : maxWait;
            if (maxSize < 1) {
                throw new IllegalArgumentException("aegis.inference.batch.max-size must be >= 1");
            }
        }
    }

    public enum DetectorPolicy { FLAG, REJECT }
}
