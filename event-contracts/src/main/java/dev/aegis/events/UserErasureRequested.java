package dev.aegis.events;

/** A user asked to erase all their data; every service deletes what it stores for that user. */
public record UserErasureRequested(String reason) {
}
