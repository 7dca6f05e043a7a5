package dev.aegis.testsupport;

import dev.aegis.localstack.S3ProxyServer;

/** The S3 server of this test JVM (S3Proxy, or MinIO in container mode); bucket {@code aegis} exists from the start. */
public final class S3Handle extends ServerHandle {

    private final String endpoint;

    S3Handle(Lifecycle lifecycle, String endpoint) {
        super(Server.S3, lifecycle);
        this.endpoint = endpoint;
    }

    public String endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return S3ProxyServer.ACCESS_KEY;
    }

    public String secretKey() {
        return S3ProxyServer.SECRET_KEY;
    }

    public String bucket() {
        return S3ProxyServer.BUCKET;
    }

    public String region() {
        return S3ProxyServer.REGION;
    }
}
