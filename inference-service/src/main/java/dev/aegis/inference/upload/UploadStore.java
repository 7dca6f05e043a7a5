package dev.aegis.inference.upload;

import java.util.Map;

import org.springframework.stereotype.Component;

import dev.aegis.support.storage.ObjectStorage;
import reactor.core.publisher.Mono;

/** Originals in object storage under {@code uploads/{userId}/{imageId}}; the id is the SHA-256 of the bytes. */
@Component
public class UploadStore {

    private final ObjectStorage storage;

    public UploadStore(ObjectStorage storage) {
        this.storage = storage;
    }

    public static String key(String userId, String imageId) {
        return "uploads/" + userId + "/" + imageId;
    }

    public static String userPrefix(String userId) {
        return "uploads/" + userId + "/";
    }

    /** Stores the image unless this user already stored the same bytes; answers the key. */
    public Mono<String> store(String userId, ValidatedImage image) {
        String key = key(userId, image.sha256());
        return storage.exists(key).flatMap(exists -> exists
                ? Mono.just(key)
                : storage.put(key, image.bytes(), image.contentType(), Map.of(
                        "format", image.format(),
                        "width", Integer.toString(image.width()),
                        "height", Integer.toString(image.height()))).thenReturn(key));
    }

    public Mono<Integer> deleteAll(String userId) {
        return storage.deletePrefix(userPrefix(userId));
    }
}
