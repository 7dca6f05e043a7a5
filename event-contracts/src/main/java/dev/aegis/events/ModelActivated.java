package dev.aegis.events;

/** The active model changed; workers load it and swap without dropping in-flight work. */
public record ModelActivated(ModelRef model, String activatedBy) {
}
