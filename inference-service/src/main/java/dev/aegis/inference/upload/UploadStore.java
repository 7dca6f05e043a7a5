package dev.aegis.inference.upload;

import java.util.Map;

import org.springframework.stereotype.Component;

import dev.aegis.inference.InferenceProperties;
import dev.aegis.support.storage.ObjectStorage;
import reactor.core.publisher.Mono;

/** Originals in object storage under {@code uploads/{userId}/{imageId}}; the id is the SHA-256 of the bytes. */
@Component
public class UploadStore {

    private final ObjectStorage storage;
    private final long putWithoutStat;

    public UploadStore(ObjectStorage storage, InferenceProperties properties) {
        this.storage = storage;
        this.putWithoutStat = properties.inlineMaxSize().toBytes();
    }

    public static String key(String userId, String imageId) {
        return "uploads/" + userId + "/" + imageId;
    }

    public static String userPrefix(String userId) {
        return "uploads/" + userId + "/";
    }

    /**
     * Stores the image unless this user already stored the same bytes; answers the key. The key
     * is the content hash, so putting identical bytes again leaves the same object: small images
     * are put at once (one round trip instead of stat + put), large ones only after a stat says
     * they are new (re-sending megabytes costs more than the stat).
     */
    public Mono<String> store(String userId, ValidatedImage image) {
        String key = key(userId, image.sha256());
        Mono<String> put = storage.put(key, image.bytes(), image.contentType(), Map.of(
                "format", image.format(),
                "width", Integer.toString(image.width()),
                "height", Integer.toString(image.height()))).thenReturn(key);
        if (image.bytes().length <= putWithoutStat) {
            return put;
        }
        return storage.exists(key).flatMap(exists -> exists ? Mono.just(key) : put);
    }

    public Mono<Integer> deleteAll(String userId) {
        return storage.deletePrefix(userPrefix(userId));
    }
}
