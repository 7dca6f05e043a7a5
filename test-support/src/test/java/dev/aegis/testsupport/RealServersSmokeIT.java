package dev.aegis.testsupport;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2's smoke test: the wiring works end to end on the REAL servers started by @RealServers —
 * Kafka round trip, S3 object through the MinIO SDK, a Mongo document through the reactive
 * driver, and a Keycloak token accepted by a WebFlux resource server (no token: 401).
 */
@RealServers({Server.KAFKA, Server.MONGO, Server.S3, Server.KEYCLOAK})
@SpringBootTest(classes = RealServersSmokeIT.SmokeApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.security.oauth2.resourceserver.jwt.audiences=aegis-api")
class RealServersSmokeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Test
    void eventPublishedIsConsumedByAnotherClient() throws Exception {
        String topic = "smoke." + UUID.randomUUID();
        String bootstrap = RealServersExtension.kafka().bootstrapServers();
        assertThat(System.getProperty("spring.kafka.bootstrap-servers")).isEqualTo(bootstrap);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "event-" + i)).get();
            }
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (received.size() < 10 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    received.add(r.key() + "=" + r.value());
                }
            }
            consumer.commitSync();
        }
        assertThat(received).hasSize(10).startsWith("key-0=event-0").endsWith("key-9=event-9");
    }

    @Test
    void objectWrittenToS3IsReadBack() throws Exception {
        S3Handle s3 = RealServersExtension.s3();
        MinioClient minio = MinioClient.builder().endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
        assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket(s3.bucket()).build())).isTrue();
        byte[] content = ("smoke " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String key = "smoke/" + UUID.randomUUID() + ".txt";
        minio.putObject(PutObjectArgs.builder().bucket(s3.bucket()).object(key)
                .stream(new ByteArrayInputStream(content), content.length, -1).contentType("text/plain").build());
        StatObjectResponse stat = minio.statObject(StatObjectArgs.builder().bucket(s3.bucket()).object(key).build());
        assertThat(stat.size()).isEqualTo(content.length);
        assertThat(stat.contentType()).isEqualTo("text/plain");
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(s3.bucket()).object(key).build())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void documentWrittenToMongoIsReadBack() {
        assertThat(System.getProperty("spring.mongodb.uri")).isEqualTo(RealServersExtension.mongo().uri());
        try (MongoClient client = MongoClients.create(RealServersExtension.mongo().uri())) {
            MongoCollection<Document> collection = client.getDatabase("aegis").getCollection("smoke");
            String id = UUID.randomUUID().toString();
            Mono.from(collection.insertOne(new Document("_id", id).append("label", "panda").append("score", 0.93)))
                    .block(TIMEOUT);
            Document read = Mono.from(collection.find(new Document("_id", id)).first()).block(TIMEOUT);
            assertThat(read).isNotNull();
            assertThat(read.getString("label")).isEqualTo("panda");
            assertThat(read.getDouble("score")).isEqualTo(0.93);
            Long count = Mono.from(collection.countDocuments(new Document("label", "panda"))).block(TIMEOUT);
            assertThat(count).isGreaterThanOrEqualTo(1L);
            List<String> names = Flux.from(client.getDatabase("aegis").listCollectionNames()).collectList().block(TIMEOUT);
            assertThat(names).contains("smoke");
        }
    }

    @Test
    void keycloakTokenIsAcceptedAndMissingTokenIsRefused() throws Exception {
        KeycloakHandle keycloak = RealServersExtension.keycloak();
        assertThat(System.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri"))
                .isEqualTo(keycloak.issuerUri());

        HttpResponse<String> anonymous = get(null);
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> demo = get(keycloak.userToken("demo", "demo-Passw0rd!"));
        assertThat(demo.statusCode()).isEqualTo(200);
        assertThat(demo.body()).contains("\"username\":\"demo\"");

        // a second user created through the admin API gets its own identity
        String username = "smoke-" + UUID.randomUUID().toString().substring(0, 8);
        String id = keycloak.createUser(username, "Smoke-Passw0rd!");
        HttpResponse<String> other = get(keycloak.userToken(username, "Smoke-Passw0rd!"));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).contains("\"sub\":\"" + id + "\"").contains("\"username\":\"" + username + "\"");

        // a valid Keycloak token of another realm (other issuer, no aegis-api audience) is refused
        assertThat(get(keycloak.adminToken()).statusCode()).isEqualTo(401);
        assertThat(get("not-a-jwt").statusCode()).isEqualTo(401);
    }

    @Test
    void kafkaCanBeStoppedAndRestartedOnTheSamePort() throws Exception {
        KafkaHandle kafka = RealServersExtension.kafka();
        String before = kafka.bootstrapServers();
        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        kafka.start();
        assertThat(kafka.isRunning()).isTrue();
        assertThat(kafka.bootstrapServers()).isEqualTo(before);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, before);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            assertThat(producer.send(new ProducerRecord<>("smoke.after-restart", "k", "v")).get().offset())
                    .isGreaterThanOrEqualTo(0L);
        }
    }

    private HttpResponse<String> get(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/smoke/me"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    // explicit import: Boot's test scan skips classes nested in a test class
    @SpringBootApplication
    @Import(MeController.class)
    static class SmokeApp {
    }

    @RestController
    static class MeController {

        @GetMapping("/smoke/me")
        Map<String, String> me(@AuthenticationPrincipal Jwt jwt) {
            return Map.of("sub", jwt.getSubject(), "username", jwt.getClaimAsString("preferred_username"));
        }
    }
}
