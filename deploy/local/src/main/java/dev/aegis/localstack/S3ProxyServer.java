package dev.aegis.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** S3Proxy on the filesystem backend: an S3 API that MinIO clients talk to. */
public final class S3ProxyServer extends ServerProcess {

    public static final String ACCESS_KEY = "aegis-local";
    public static final String SECRET_KEY = "aegis-local-secret";
    public static final String BUCKET = "aegis";
    public static final String REGION = "us-east-1";

    private final int port;

    public S3ProxyServer(StackPaths paths, int port, boolean detach) {
        super("s3", paths, detach);
        this.port = port;
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public Map<String, Integer> ports() {
        return Map.of("AEGIS_S3_PORT", port);
    }

    @Override
    public String url() {
        return endpoint();
    }

    @Override
    public boolean isHealthy() {
        return Probes.httpStatus(endpoint() + "/") > 0;
    }

    @Override
    protected void prepare() throws IOException {
        Path data = home.resolve("data");
        // with the filesystem backend a bucket is a folder: the default bucket exists from the start
        // (the services also create it; both are idempotent)
        Files.createDirectories(data.resolve(BUCKET));
        Files.writeString(home.resolve("s3proxy.conf"), String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data,
                ""));
    }

    @Override
    protected List<String> command() {
        return javaCommand(List.of("-Xmx256m", "-XX:+UseSerialGC"), "-jar",
                paths.dist().resolve("s3proxy").resolve("s3proxy.jar").toString(),
                "--properties", home.resolve("s3proxy.conf").toString());
    }
}
