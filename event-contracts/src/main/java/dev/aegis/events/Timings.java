package dev.aegis.events;

/** Milliseconds spent in each stage, measured by the worker. */
public record Timings(long queuedMs, long fetchMs, long inferenceMs, long totalMs) {
}
