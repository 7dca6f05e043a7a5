package dev.aegis.support.storage;

import java.util.Map;

/** An object's bytes with the metadata it was stored with. */
public record StoredObject(String key, byte[] bytes, String contentType, Map<String, String> metadata) {
}
