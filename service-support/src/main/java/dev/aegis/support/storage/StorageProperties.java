package dev.aegis.support.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** S3 endpoint and bucket: S3Proxy on the local stack, MinIO on Kubernetes, same client either way. */
@ConfigurationProperties("aegis.storage")
public record StorageProperties(String endpoint, String accessKey, String secretKey, String bucket, String region) {

    public StorageProperties {
        bucket = bucket == null || bucket.isBlank() ? "aegis" : bucket;
        region = region == null || region.isBlank() ? "us-east-1" : region;
    }
}
