package dev.aegis.events;

/**
 * Ask a worker to classify one stored image. {@code batchId} is null for a single prediction.
 *
 * @param inlineImage the image's bytes when they are small enough to travel in the event (a
 *                    claim check with an inline fast path): the worker then skips the object
 *                    store round trip. The original is always stored under {@code imageKey} as
 *                    well; null means "fetch it from there" (large images, and events of
 *                    producers that predate this field).
 */
public record PredictionRequested(
        String predictionId,
        String imageId,
        String imageKey,
        String contentType,
        String batchId,
        String fileName,
        byte[] inlineImage) {

    /** A request without inline bytes: the worker fetches the image from object storage. */
    public PredictionRequested(String predictionId, String imageId, String imageKey, String contentType,
                               String batchId, String fileName) {
        this(predictionId, imageId, imageKey, contentType, batchId, fileName, null);
    }
}
