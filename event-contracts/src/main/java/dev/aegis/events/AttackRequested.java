package dev.aegis.events;

/** Ask a worker to attack one stored image. Parameters are validated by the API before publishing. */
public record AttackRequested(
        String attackId,
        String imageId,
        String imageKey,
        AttackParameters parameters) {
}
