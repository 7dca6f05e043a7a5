package dev.aegis.adversarial.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.aegis.adversarial.attack.AttackService;
import dev.aegis.adversarial.image.UserImages;
import dev.aegis.adversarial.messaging.KafkaConfig;
import dev.aegis.events.AttackParameters;
import dev.aegis.events.AttackRequested;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventTypes;
import dev.aegis.events.Topics;
import dev.aegis.events.UserErasureRequested;
import dev.aegis.model.ModelCard;
import dev.aegis.model.train.Dataset;
import dev.aegis.support.storage.ObjectStorage;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service (API and worker in one process, as locally) on REAL Kafka, S3Proxy,
 * mongo-java-server and Keycloak, attacking a small CNN trained at the start of the test.
 */
@RealServers({Server.KAFKA, Server.MONGO, Server.S3, Server.KEYCLOAK})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "aegis.adversarial.model-cache-dir=${java.io.tmpdir}/aegis-adversarial-it-${random.uuid}",
        "aegis.adversarial.worker-group=adversarial-worker-it",
        "aegis.adversarial.topic-partitions=2"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdversarialServiceIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @LocalServerPort
    int port;
    @Autowired
    ObjectStorage storage;
    @Autowired
    AttackService attackService;
    @Autowired
    KafkaTemplate<String, Object> kafka;

    WebTestClient web;
    String demoToken;
    String demoId;
    String bobToken;
    String bobId;
    Dataset images;
    final List<String> imageIds = new ArrayList<>();
    String fgsmAttackId;
    String reportId;

    @BeforeAll
    void setUp(@TempDir Path tmp) throws Exception {
        web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(90)).build();
        ModelCard card = ShapesModel.train(tmp.resolve("model"), "shapes-it", "1");
        assertThat(card.metrics().get("validationAccuracy")).as("the test model learned its task").isGreaterThan(0.9);
        Path dir = tmp.resolve("model");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key = "models/shapes-it/1/" + dir.relativize(f).toString().replace('\\', '/');
                storage.put(key, Files.readAllBytes(f), "application/octet-stream", Map.of()).block();
            }
        }
        storage.put("models/active.json", "{\"name\":\"shapes-it\",\"version\":\"1\"}".getBytes(StandardCharsets.UTF_8),
                "application/json", Map.of()).block();

        var keycloak = RealServersExtension.keycloak();
        demoToken = keycloak.userToken("demo", "demo-Passw0rd!");
        demoId = subject(demoToken);
        String bobName = "bob" + UUID.randomUUID().toString().substring(0, 8);
        keycloak.createUser(bobName, "Bob-Passw0rd!2026x");
        bobToken = keycloak.userToken(bobName, "Bob-Passw0rd!2026x");
        bobId = subject(bobToken);

        // the user's uploads, as the inference service stores them (content-addressed under the user's prefix)
        images = ShapesModel.generate(15, 99);
        for (float[] x : images.x()) {
            byte[] png = ShapesModel.png(x);
            String id = UserImages.idOf(png);
            storage.put(UserImages.key(demoId, id), png, "image/png", Map.of()).block();
            imageIds.add(id);
        }
    }

    @Test
    @Order(1)
    void fgsmStaysInsideTheBallAndDownloadsAreTheStoredBytes() {
        byte[] original = storage.get(UserImages.key(demoId, imageIds.get(0))).block().bytes();
        int[] clean = ShapesModel.grey(original);
        for (double eps : new double[] {0.02, 0.05, 0.1, 0.3}) {
            String id = submit(demoToken, Map.of("imageId", imageIds.get(0), "method", "FGSM", "epsilon", eps));
            Map<String, Object> attack = awaitFinished(demoToken, id);
            assertThat(attack.get("status")).as(attack.toString()).isEqualTo("DONE");
            double linf = ((Number) attack.get("linf")).doubleValue();
            assertThat(linf).isLessThanOrEqualTo(eps + 1e-6).isGreaterThan(0);
            assertThat(((Number) attack.get("l2")).doubleValue()).isGreaterThan(0);
            assertThat(attack).containsKeys("original", "adversarial", "success", "detector", "timings", "model");
            // threshold 1.0 = the combined verdict: the learned detector came down with the model's detector/ folder
            assertThat(((Number) ((Map<?, ?>) attack.get("detector")).get("threshold")).doubleValue()).isEqualTo(1.0);

            byte[] downloaded = web.get().uri("/api/attacks/" + id + "/image").headers(h -> h.setBearerAuth(demoToken))
                    .exchange().expectStatus().isOk()
                    .expectHeader().contentType(MediaType.IMAGE_PNG)
                    .expectHeader().value(HttpHeaders.CONTENT_DISPOSITION, cd -> assertThat(cd).contains("attachment")
                            .contains("adversarial-fgsm-eps" + trim(eps) + "-" + id + ".png"))
                    .expectBody(byte[].class).returnResult().getResponseBody();
            byte[] stored = storage.get("adversarial/" + demoId + "/" + id + ".png").block().bytes();
            assertThat(downloaded).isEqualTo(stored);

            // independent check on the files themselves: every pixel moved by at most eps
            int[] adv = ShapesModel.grey(downloaded);
            int maxDiff = 0;
            for (int j = 0; j < adv.length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(adv[j] - clean[j]));
            }
            assertThat(maxDiff / 255.0).isLessThanOrEqualTo(eps + 1e-9).isCloseTo(linf, org.assertj.core.data.Offset.offset(1e-6));

            web.get().uri("/api/attacks/" + id + "/perturbation").headers(h -> h.setBearerAuth(demoToken))
                    .exchange().expectStatus().isOk().expectHeader().contentType(MediaType.IMAGE_PNG);
            fgsmAttackId = id;
        }
    }

    @Test
    @Order(2)
    void fgsmAccuracyFallsAsEpsilonGrows() {
        List<Map<String, Object>> refs = new ArrayList<>();
        for (int i = 0; i < imageIds.size(); i++) {
            refs.add(Map.of("imageId", imageIds.get(i), "label", ShapesModel.LABELS.get(images.y()[i])));
        }
        Map<String, Object> body = Map.of("images", refs, "method", "FGSM", "epsilons", List.of(0, 0.1, 0.2, 0.3));
        var result = web.post().uri("/api/robustness?wait=30").headers(h -> h.setBearerAuth(demoToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().value(s -> assertThat(s).isIn(200, 202))
                .expectHeader().value(HttpHeaders.LOCATION, l -> assertThat(l).startsWith("/api/robustness/"))
                .expectBody(byte[].class).returnResult();
        Map<String, Object> report = JSON.readValue(result.getResponseBody(), Map.class);
        reportId = (String) report.get("id");
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!"DONE".equals(report.get("status")) && System.nanoTime() < end) {
            report = getJson(demoToken, "/api/robustness/" + reportId + "?wait=20");
        }
        assertThat(report.get("status")).as(report.toString()).isEqualTo("DONE");
        assertThat(report.get("accuracyBasis")).isEqualTo("declared-labels");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) report.get("points");
        System.out.println("[adversarial-it] FGSM robustness of the test model: " + points);
        double[] accuracy = points.stream().mapToDouble(p -> ((Number) p.get("accuracy")).doubleValue()).toArray();
        assertThat(accuracy[0]).as("clean accuracy").isGreaterThanOrEqualTo(0.8);
        for (int i = 1; i < accuracy.length; i++) {
            assertThat(accuracy[i]).as("accuracy at epsilon #" + i).isLessThanOrEqualTo(accuracy[i - 1] + 0.05);
        }
        assertThat(accuracy[accuracy.length - 1]).as("accuracy at the largest epsilon")
                .isLessThanOrEqualTo(accuracy[0] - 0.4);
        for (Map<String, Object> p : points) {
            assertThat(((Number) p.get("meanLinf")).doubleValue())
                    .isLessThanOrEqualTo(((Number) p.get("epsilon")).doubleValue() + 1e-6);
        }

        byte[] chart = web.get().uri("/api/robustness/" + reportId).headers(h -> h.setBearerAuth(demoToken))
                .accept(MediaType.IMAGE_PNG).exchange().expectStatus().isOk()
                .expectHeader().contentType(MediaType.IMAGE_PNG).expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(chart).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    @Order(3)
    void targetedAttackReachesItsTargetOnAnEasyCase() {
        // image 0 is a horizontal bar ("Bike"); ask for "Car" with a generous budget
        String id = submit(demoToken, Map.of("imageId", imageIds.get(0), "method", "PGD", "epsilon", 0.5,
                "steps", 30, "targetLabel", "Car"));
        Map<String, Object> attack = awaitFinished(demoToken, id);
        assertThat(attack.get("status")).isEqualTo("DONE");
        assertThat(((Map<?, ?>) attack.get("original")).get("label")).isEqualTo("Bike");
        assertThat(((Map<?, ?>) attack.get("adversarial")).get("label")).isEqualTo("Car");
        assertThat(attack.get("success")).isEqualTo(true);
        assertThat(((Number) attack.get("linf")).doubleValue()).isLessThanOrEqualTo(0.5 + 1e-6);
    }

    @Test
    @Order(4)
    void anotherUserGets404ForEverything() {
        for (String path : List.of("/api/attacks/" + fgsmAttackId, "/api/attacks/" + fgsmAttackId + "/image",
                "/api/attacks/" + fgsmAttackId + "/perturbation", "/api/robustness/" + reportId)) {
            web.get().uri(path).headers(h -> h.setBearerAuth(bobToken)).exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        web.post().uri("/api/attacks").headers(h -> h.setBearerAuth(bobToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("imageId", imageIds.get(0), "method", "FGSM", "epsilon", 0.1)).exchange()
                .expectStatus().isNotFound();
        // and the owner still sees it
        web.get().uri("/api/attacks/" + fgsmAttackId).headers(h -> h.setBearerAuth(demoToken)).exchange()
                .expectStatus().isOk();
    }

    @Test
    @Order(5)
    void redeliveryGivesOneResult() throws Exception {
        byte[] before = storage.get("adversarial/" + demoId + "/" + fgsmAttackId + ".png").block().bytes();
        ConsumerRecord<String, byte[]> request = records(Topics.ATTACK_REQUESTS, fgsmAttackId, 1).get(0);
        // the same record again, as Kafka redelivers it after a crash before the offset commit
        kafka.send(Topics.ATTACK_REQUESTS, request.key(), request.value()).get();
        List<ConsumerRecord<String, byte[]>> results = records(Topics.ATTACK_RESULTS, fgsmAttackId, 2);
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, byte[]> r : results) {
            assertThat(codec.read(r.value()).id()).isEqualTo(KafkaConfig.resultEventId(fgsmAttackId));
        }
        Map<String, Object> attack = getJson(demoToken, "/api/attacks/" + fgsmAttackId);
        assertThat(attack.get("status")).isEqualTo("DONE");
        byte[] after = storage.get("adversarial/" + demoId + "/" + fgsmAttackId + ".png").block().bytes();
        assertThat(after).isEqualTo(before);
    }

    @Test
    @Order(6)
    void anImageDeletedBeforeTheWorkerRunsFailsWithAReason() {
        String missing = "f".repeat(64);
        String id = attackService.submit(demoId, missing, UserImages.key(demoId, missing),
                new AttackParameters("FGSM", 0.1, null, null, null, null), null, null, null).block().id();
        Map<String, Object> attack = awaitFinished(demoToken, id);
        assertThat(attack.get("status")).isEqualTo("FAILED");
        assertThat((String) attack.get("error")).contains("no longer exists");
    }

    @Test
    @Order(7)
    void erasureDeletesTheUsersAttacksAndImages() throws Exception {
        byte[] png = ShapesModel.png(images.x()[1]);
        String imageId = UserImages.idOf(png);
        storage.put(UserImages.key(bobId, imageId), png, "image/png", Map.of()).block();
        String id = submit(bobToken, Map.of("imageId", imageId, "method", "FGSM", "epsilon", 0.1));
        assertThat(awaitFinished(bobToken, id).get("status")).isEqualTo("DONE");
        assertThat(storage.list("adversarial/" + bobId + "/").block()).hasSize(2);

        kafka.send(Topics.USER_ERASURE, bobId, CloudEvent.of(java.net.URI.create("/aegis/history-service"),
                EventTypes.USER_ERASURE_REQUESTED, bobId, bobId, "it-erasure", new UserErasureRequested("test"))).get();
        long end = System.nanoTime() + DEADLINE.toNanos();
        int status = 200;
        while (status != 404 && System.nanoTime() < end) {
            Thread.sleep(200);
            status = web.get().uri("/api/attacks/" + id).headers(h -> h.setBearerAuth(bobToken)).exchange()
                    .returnResult(byte[].class).getStatus().value();
        }
        assertThat(status).isEqualTo(404);
        assertThat(storage.list("adversarial/" + bobId + "/").block()).isEmpty();
        // the other user's data is untouched
        assertThat(storage.list("adversarial/" + demoId + "/").block()).isNotEmpty();
    }

    @Test
    @Order(8)
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheWorkerCarriesOn() throws Exception {
        byte[] poison = "{\"type\":\"not-an-aegis-event\"}".getBytes(StandardCharsets.UTF_8);
        kafka.send(Topics.ATTACK_REQUESTS, "poison-" + UUID.randomUUID(), poison).get();
        String key = "poison-" + UUID.randomUUID();
        kafka.send(Topics.ATTACK_REQUESTS, key, poison).get();
        ConsumerRecord<String, byte[]> dead = records(Topics.deadLetter(Topics.ATTACK_REQUESTS), key, 1).get(0);
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(dead.headers().lastHeader("kafka_dlt-exception-message")).isNotNull();
        // the partition is not stuck: the next attack is processed
        String id = submit(demoToken, Map.of("imageId", imageIds.get(2), "method", "BIM", "epsilon", 0.05));
        assertThat(awaitFinished(demoToken, id).get("status")).isEqualTo("DONE");
    }

    private String submit(String token, Map<String, Object> body) {
        var result = web.post().uri("/api/attacks").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted()
                .expectBody(byte[].class).returnResult();
        Map<String, Object> accepted = JSON.readValue(result.getResponseBody(), Map.class);
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/api/attacks/" + accepted.get("id"));
        return (String) accepted.get("id");
    }

    private Map<String, Object> awaitFinished(String token, String id) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        Map<String, Object> attack = getJson(token, "/api/attacks/" + id + "?wait=20");
        while ("PENDING".equals(attack.get("status")) && System.nanoTime() < end) {
            attack = getJson(token, "/api/attacks/" + id + "?wait=20");
        }
        return attack;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> getJson(String token, String uri) {
        byte[] body = web.get().uri(uri).headers(h -> h.setBearerAuth(token)).accept(MediaType.APPLICATION_JSON)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        return JSON.readValue(body, Map.class);
    }

    /** Records of a topic with the given key, read from the beginning until {@code atLeast} arrived. */
    private static List<ConsumerRecord<String, byte[]>> records(String topic, String key, int atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.kafka.bootstrap-servers"));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (found.size() < atLeast && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                }
            }
        }
        assertThat(found).as("records keyed " + key + " on " + topic).hasSizeGreaterThanOrEqualTo(atLeast);
        return found;
    }

    private static String subject(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return (String) JSON.readValue(payload, HashMap.class).get("sub");
    }

    private static String trim(double eps) {
        return java.math.BigDecimal.valueOf(eps).stripTrailingZeros().toPlainString();
    }
}
