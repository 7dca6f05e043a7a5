package dev.aegis.adversarial.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.stereotype.Component;

import dev.aegis.support.problem.NotFoundException;
import dev.aegis.support.storage.ObjectStorage;
import reactor.core.publisher.Mono;

/**
 * The user's uploaded images in object storage ({@code uploads/{userId}/{imageId}}), shared with
 * the inference service: the id is derived from the content, so identical bytes of one user map
 * to one object whichever service received them.
 */
@Component
public class UserImages {

    private final ObjectStorage storage;
    private final ImageSniffer sniffer;

    public UserImages(ObjectStorage storage, ImageSniffer sniffer) {
        this.storage = storage;
        this.sniffer = sniffer;
    }

    public static String key(String userId, String imageId) {
        return "uploads/" + userId + "/" + imageId;
    }

    /** The key of an existing image of this user; 404 when it does not exist (or is another user's). */
    public Mono<String> existing(String userId, String imageId) {
        String key = key(userId, imageId);
        return storage.exists(key)
                .flatMap(found -> found ? Mono.just(key) : Mono.error(new NotFoundException("image", imageId)));
    }

    /** Validates and stores an upload; answers its image id. */
    public Mono<String> store(String userId, byte[] bytes) {
        return Mono.fromCallable(() -> sniffer.check(bytes))
                .flatMap(sniffed -> {
                    String imageId = idOf(bytes);
                    String key = key(userId, imageId);
                    return storage.exists(key).flatMap(found -> found ? Mono.just(imageId)
                            : storage.put(key, bytes, sniffed.contentType(), sniffed.metadata()).thenReturn(imageId));
                });
    }

    /** SHA-256 of the content, hex. */
    public static String idOf(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
