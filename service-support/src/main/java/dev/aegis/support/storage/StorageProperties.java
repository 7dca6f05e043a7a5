package dev.aegis.support.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * S3 endpoint and bucket: S3Proxy on the local stack, MinIO on Kubernetes, same client either way.
 * {@code maxConcurrentRequests} bounds this process's parallel object-store calls (default 64).
 */
@ConfigurationProperties("aegis.storage")
public record StorageProperties(String endpoint, String accessKey, String secretKey, String bucket, String region,
        Integer maxConcurrentRequests) {

    public StorageProperties {
        bucket = bucket == null || bucket.isBlank() ? "aegis" : bucket;
        region = region == null || region.isBlank() ? "us-east-1" : region;
        maxConcurrentRequests = maxConcurrentRequests == null ? 64 : maxConcurrentRequests;
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("aegis.storage.max-concurrent-requests must be at least 1, was "
                    + maxConcurrentRequests);
        }
    }
}
