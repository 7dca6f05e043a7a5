package dev.aegis.testsupport;

import dev.aegis.localstack.S3ProxyServer;

/** S3Proxy (filesystem backend) of this test JVM; bucket {@code aegis} exists from the start. */
public final class S3Handle extends ServerHandle {

    private final S3ProxyServer s3;

    S3Handle(S3ProxyServer s3) {
        super(s3);
        this.s3 = s3;
    }

    public String endpoint() {
        return s3.endpoint();
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
