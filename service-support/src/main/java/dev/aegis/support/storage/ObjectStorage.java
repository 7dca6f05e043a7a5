package dev.aegis.support.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The object store as the services use it. The MinIO client blocks, so every call runs on the
 * bounded-elastic scheduler; connection failures become {@link StorageUnavailableException}
 * (answered 503) instead of leaking stack traces.
 */
public class ObjectStorage {

    private final MinioClient client;
    private final String bucket;
    private final AtomicBoolean bucketReady = new AtomicBoolean();

    public ObjectStorage(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    public Mono<Void> put(String key, byte[] bytes, String contentType, Map<String, String> metadata) {
        return call(() -> {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(bytes), (long) bytes.length, -1L)
                    .contentType(contentType)
                    .userMetadata(metadata)
                    .build());
            return Boolean.TRUE;
        }).then();
    }

    /**
     * The object, or empty if no object has that key. One round trip: the GET answer's headers
     * carry the content type and user metadata (a stat first would be a second request per read).
     */
    public Mono<StoredObject> get(String key) {
        return call(() -> {
            try (GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                byte[] bytes = in.readAllBytes();
                // parses the same headers a stat would answer, the same way
                StatObjectResponse headers = new StatObjectResponse(in.headers(), bucket, in.region(), key);
                return Optional.of(new StoredObject(key, bytes, headers.contentType(), headers.userMetadata()));
            } catch (ErrorResponseException e) {
                if (isMissing(e)) {
                    return Optional.<StoredObject>empty();
                }
                throw e;
            }
        }).flatMap(Mono::justOrEmpty);
    }

    public Mono<Boolean> exists(String key) {
        return call(() -> stat(key).isPresent());
    }

    public Mono<Void> delete(String key) {
        return call(() -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return Boolean.TRUE;
        }).then();
    }

    /** Keys under a prefix, e.g. {@code uploads/{userId}/}. */
    public Mono<List<String>> list(String prefix) {
        return call(() -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket(bucket)
                    .prefix(prefix).recursive(true).build())) {
                keys.add(item.get().objectName());
            }
            return keys;
        });
    }

    /** Deletes every object under a prefix and answers how many there were. */
    public Mono<Integer> deletePrefix(String prefix) {
        return list(prefix).flatMap(keys -> call(() -> {
            for (String key : keys) {
                client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            }
            return keys.size();
        }));
    }

    private Optional<StatObjectResponse> stat(String key) throws Exception {
        try {
            return Optional.of(client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()));
        } catch (ErrorResponseException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean isMissing(ErrorResponseException e) {
        String code = e.errorResponse().code();
        return "NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NotFound".equals(code);
    }

    private void ensureBucket() throws Exception {
        // Created on first use rather than at start-up, so a service starts while S3 is down and
        // recovers by itself when it returns.
        if (bucketReady.get()) {
            return;
        }
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            try {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            } catch (ErrorResponseException e) {
                String code = e.errorResponse().code();
                if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                    throw e;
                }
            }
        }
        bucketReady.set(true);
    }

    private <T> Mono<T> call(Callable<T> action) {
        return Mono.fromCallable(() -> {
            try {
                ensureBucket();
                return action.call();
            } catch (IOException e) {
                throw new StorageUnavailableException("object storage is unreachable: " + e.getMessage(), e);
            } catch (ErrorResponseException e) {
                throw new StorageUnavailableException("object storage refused the request: "
                        + e.errorResponse().code(), e);
            } catch (io.minio.errors.ServerException e) {
                throw new StorageUnavailableException("object storage failed: " + e.getMessage(), e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
