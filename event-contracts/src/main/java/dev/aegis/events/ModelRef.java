package dev.aegis.events;

/** A model version as named in object storage: {@code models/{name}/{version}/}. */
public record ModelRef(String name, String version) {
}
