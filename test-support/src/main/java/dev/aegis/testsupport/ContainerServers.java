package dev.aegis.testsupport;

import dev.aegis.localstack.KeycloakServer;
import dev.aegis.localstack.Ports;
import dev.aegis.localstack.S3ProxyServer;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.utility.MountableFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The same four servers as images, for machines with a container engine. Host ports are fixed
 * (chosen free) rather than random so that a fault test's stop + start keeps every endpoint the
 * services were configured with, as the process mode does. Images can be overridden with
 * {@code -Daegis.containers.<server>-image=...}.
 */
final class ContainerServers {

    static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
    static final String MONGO_IMAGE = "mongo:8.0";
    static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
    static final String KEYCLOAK_IMAGE = "quay.io/keycloak/keycloak:26.4";

    private final Path root;

    private ContainerServers(Path root) {
        this.root = root;
    }

    /** Aborts (skips) the test class with the reason when no container engine answers. */
    static ContainerServers requireEngine(Path root) {
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            available = false;
        }
        if (!available) {
            String reason = ServerMode.PROPERTY + "=containers: skipped, no container engine answers here"
                    + " (Testcontainers found no Docker environment); the process run covers these tests";
            RealServersExtension.log(reason);
            Assumptions.abort(reason);
        }
        return new ContainerServers(root);
    }

    ServerHandle create(Server server) {
        return switch (server) {
            case KAFKA -> kafka();
            case MONGO -> mongo();
            case S3 -> s3();
            case KEYCLOAK -> keycloak();
        };
    }

    private KafkaHandle kafka() {
        int port = Ports.freePort();
        KafkaContainer kafka = new KafkaContainer(image("kafka", KAFKA_IMAGE));
        kafka.setPortBindings(List.of(port + ":9092"));
        return new KafkaHandle(new ContainerLifecycle(kafka, Wait.forListeningPort(), "kafka"),
                () -> "127.0.0.1:" + port);
    }

    private MongoHandle mongo() {
        int port = Ports.freePort();
        MongoDBContainer mongo = new MongoDBContainer(image("mongo", MONGO_IMAGE));
        mongo.setPortBindings(List.of(port + ":27017"));
        return new MongoHandle(new ContainerLifecycle(mongo, Wait.forListeningPort(), "mongo"),
                "mongodb://127.0.0.1:" + port + "/aegis", port);
    }

    private S3Handle s3() {
        int port = Ports.freePort();
        String endpoint = "http://127.0.0.1:" + port;
        MinIOContainer minio = new MinIOContainer(image("minio", MINIO_IMAGE))
                .withUserName(S3ProxyServer.ACCESS_KEY).withPassword(S3ProxyServer.SECRET_KEY);
        minio.setPortBindings(List.of(port + ":9000"));
        ContainerLifecycle lifecycle = new ContainerLifecycle(minio,
                Wait.forHttp("/minio/health/ready").forPort(9000), "s3") {
            @Override
            void afterFirstStart() {
                createBucket(endpoint);
            }
        };
        return new S3Handle(lifecycle, endpoint);
    }

    private KeycloakHandle keycloak() {
        int port = Ports.freePort();
        int management = Ports.freePort();
        Path realm = root.resolve("auth/src/main/resources/realm/aegis-realm.json");
        if (!Files.exists(realm)) {
            throw new IllegalStateException("the realm to import is missing: " + realm);
        }
        GenericContainer<?> keycloak = new GenericContainer<>(image("keycloak", KEYCLOAK_IMAGE))
                .withExposedPorts(8080, 9000)
                .withEnv("KC_BOOTSTRAP_ADMIN_USERNAME", KeycloakServer.ADMIN_USER)
                .withEnv("KC_BOOTSTRAP_ADMIN_PASSWORD", KeycloakServer.ADMIN_PASSWORD)
                .withCopyFileToContainer(MountableFile.forHostPath(realm), "/opt/keycloak/data/import/aegis-realm.json")
                // no --hostname: the issuer follows the URL asked, the one tests and services are given
                .withCommand("start-dev", "--health-enabled=true", "--import-realm")
                .withStartupTimeout(Duration.ofMinutes(3));
        keycloak.setPortBindings(List.of(port + ":8080", management + ":9000"));
        return new KeycloakHandle(new ContainerLifecycle(keycloak,
                Wait.forHttp("/health/ready").forPort(9000).withStartupTimeout(Duration.ofMinutes(3)), "keycloak"),
                "http://127.0.0.1:" + port);
    }

    private static String image(String server, String fallback) {
        return System.getProperty("aegis.containers." + server + "-image", fallback);
    }

    private static void createBucket(String endpoint) {
        MinioClient client = MinioClient.builder().endpoint(endpoint)
                .credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY).region(S3ProxyServer.REGION).build();
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(S3ProxyServer.BUCKET).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(S3ProxyServer.BUCKET).build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("creating bucket " + S3ProxyServer.BUCKET + " on " + endpoint + ": "
                    + e.getMessage(), e);
        }
    }
}
