package dev.aegis.events;

/**
 * Ask a worker to classify one stored image. {@code batchId} is null for a single prediction.
 */
public record PredictionRequested(
        String predictionId,
        String imageId,
        String imageKey,
        String contentType,
        String batchId,
        String fileName) {
}
