package dev.aegis.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.aegis.events.AttackCompleted;
import dev.aegis.events.AttackParameters;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventTypes;
import dev.aegis.events.ModelRef;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.events.Topics;
import dev.aegis.testsupport.MongoHandle;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import reactor.core.Disposable;

/**
 * End to end on real Kafka, the MongoDB-protocol server and real signed tokens (Keycloak, see
 * {@link TestIdentity}): result
 * events in, records out through the API, replays, poison events, live stream, erasure, isolation.
 */
@RealServers({Server.KAFKA, Server.MONGO})
@ExtendWith(TestIdentity.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    private final EventCodec codec = new EventCodec();
    private KafkaProducer<String, byte[]> producer;
    private Admin admin;
    private WebTestClient http;

    private User alice;
    private User bob;

    record User(String id, String token) {
    }

    @BeforeAll
    void kafkaClients() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        admin = Admin.create(a);
    }

    @AfterAll
    void closeClients() {
        producer.close();
        admin.close();
    }

    @BeforeEach
    void freshUsers() {
        http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
        alice = user("alice");
        bob = user("bob");
    }

    @Test
    void resultsBecomeRecordsAndAReplayAddsNothing() {
        CloudEvent<PredictionCompleted> prediction = prediction(alice, null, "Car");
        CloudEvent<AttackCompleted> attack = attack(alice);
        send(Topics.PREDICTION_RESULTS, prediction);
        send(Topics.ATTACK_RESULTS, attack);

        awaitRecords(alice, 2);
        get(alice, "/api/history/" + prediction.subject())
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.kind").isEqualTo("PREDICTION")
                .jsonPath("$.label").isEqualTo("Car")
                .jsonPath("$.confidence").isEqualTo(0.8)
                .jsonPath("$.probabilities[0].label").isEqualTo("Car")
                .jsonPath("$.model.version").isEqualTo("1")
                .jsonPath("$.detector.flagged").isEqualTo(false);
        get(alice, "/api/history/" + attack.subject())
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.kind").isEqualTo("ATTACK")
                .jsonPath("$.attack.method").isEqualTo("PGD")
                .jsonPath("$.attack.success").isEqualTo(true)
                .jsonPath("$.attack.originalLabel").isEqualTo("Car")
                .jsonPath("$.attack.adversarialLabel").isEqualTo("Ship")
                .jsonPath("$.detector.flagged").isEqualTo(true);
        get(alice, "/api/history?flagged=true").expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].id").isEqualTo(attack.subject());
        byte[] before = get(alice, "/api/history/" + prediction.subject()).expectBody().returnResult().getResponseBody();

        // the same events delivered again, as after a reset of the group's offsets to the start
        for (int i = 0; i < 3; i++) {
            send(Topics.PREDICTION_RESULTS, prediction);
            send(Topics.ATTACK_RESULTS, attack);
        }
        awaitAllConsumed();
        get(alice, "/api/history").expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(2);
        assertThat(get(alice, "/api/history/" + prediction.subject()).expectBody().returnResult().getResponseBody())
                .isEqualTo(before);

        get(alice, "/api/history/stats").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(2)
                .jsonPath("$.flagged").isEqualTo(1)
                .jsonPath("$.perDay[0].count").isEqualTo(2);
    }

    @Test
    void aMalformedEventIsDeadLetteredAndTheConsumerGoesOn() {
        byte[] poison = ("{\"not\": \"an event\", \"marker\": \"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.PREDICTION_RESULTS, "poison", poison));
        byte[] garbage = ("garbage " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.ATTACK_RESULTS, "garbage", garbage));
        // a well-formed envelope of a type this version does not know: skipped, neither stored nor dead-lettered
        String future = "future-" + UUID.randomUUID();
        producer.send(new ProducerRecord<>(Topics.PREDICTION_RESULTS, future, ("{\"specversion\":\"1.0\",\"id\":\"" + future
                + "\",\"source\":\"urn:test\",\"type\":\"dev.aegis.prediction.completed.v9\",\"userid\":\"" + alice.id()
                + "\",\"correlationid\":\"c\",\"data\":{}}").getBytes(StandardCharsets.UTF_8)));
        CloudEvent<PredictionCompleted> after = prediction(alice, null, "Bike");
        send(Topics.PREDICTION_RESULTS, after);

        awaitRecords(alice, 1);
        get(alice, "/api/history/" + after.subject()).expectStatus().isOk();

        ConsumerRecord<String, byte[]> dead = awaitRecord(Topics.deadLetter(Topics.PREDICTION_RESULTS),
                r -> java.util.Arrays.equals(r.value(), poison));
        assertThat(dead.key()).isEqualTo("poison");
        assertThat(dead.headers().lastHeader("kafka_dlt-exception-message")).isNotNull();
        assertThat(new String(dead.headers().lastHeader("kafka_dlt-original-topic").value(), StandardCharsets.UTF_8))
                .isEqualTo(Topics.PREDICTION_RESULTS);
        awaitRecord(Topics.deadLetter(Topics.ATTACK_RESULTS), r -> java.util.Arrays.equals(r.value(), garbage));
        awaitAllConsumed();
        assertThat(keysOn(Topics.deadLetter(Topics.PREDICTION_RESULTS))).contains("poison").doesNotContain(future);
    }

    @Test
    void aBatchMixingGoodDuplicateAndMalformedEventsStoresEachGoodOneOnceAndDeadLettersOnlyThePoison() throws Exception {
        // one key and no wait between sends: the events share a partition and arrive in one poll
        String key = "mixed-" + UUID.randomUUID();
        byte[] poison = ("{\"poison\": \"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
        List<CloudEvent<PredictionCompleted>> good = List.of(prediction(alice, null, "Car"),
                prediction(alice, null, "Bike"), prediction(alice, "batch-" + key, "Ship"));
        List<ServerSentEvent<String>> events = java.util.Collections.synchronizedList(new ArrayList<>());
        Disposable live = stream(alice, events);
        try {
            await().atMost(WAIT).until(() -> !events.isEmpty());
            List<byte[]> values = List.of(codec.write(good.get(0)), poison, codec.write(good.get(1)),
                    codec.write(good.get(0)), codec.write(good.get(2)), codec.write(good.get(1)));
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (byte[] value : values) {
                sent.add(producer.send(new ProducerRecord<>(Topics.PREDICTION_RESULTS, key, value)));
            }
            producer.flush();
            for (var f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }

            awaitRecords(alice, 3);
            awaitRecord(Topics.deadLetter(Topics.PREDICTION_RESULTS), r -> java.util.Arrays.equals(r.value(), poison));
            awaitAllConsumed();
            get(alice, "/api/history?size=100").expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(3);
            for (CloudEvent<PredictionCompleted> e : good) {
                get(alice, "/api/history/" + e.subject()).expectStatus().isOk();
            }
            // each stored record announced once, after its write; duplicates are not news
            await().atMost(WAIT).until(() -> records(events).size() == 3);
            assertThat(records(events)).extracting(ServerSentEvent::id)
                    .containsExactlyInAnyOrderElementsOf(good.stream().map(CloudEvent::subject).toList());
            assertThat(keysOn(Topics.deadLetter(Topics.PREDICTION_RESULTS)).stream().filter(key::equals)).hasSize(1);
        } finally {
            live.dispose();
        }
    }

    @Test
    void theStreamDeliversTheUsersNewRecordsOnly() throws Exception {
        List<ServerSentEvent<String>> aliceEvents = java.util.Collections.synchronizedList(new ArrayList<>());
        List<ServerSentEvent<String>> bobEvents = java.util.Collections.synchronizedList(new ArrayList<>());
        Disposable aliceStream = stream(alice, aliceEvents);
        Disposable bobStream = stream(bob, bobEvents);
        try {
            await().atMost(WAIT).until(() -> !aliceEvents.isEmpty() && !bobEvents.isEmpty());
            CloudEvent<PredictionCompleted> bobs = prediction(bob, null, "Ship");
            CloudEvent<PredictionCompleted> alices = prediction(alice, "batch-" + UUID.randomUUID(), "Car");
            send(Topics.PREDICTION_RESULTS, bobs);
            send(Topics.PREDICTION_RESULTS, alices);

            await().atMost(WAIT).until(() -> records(aliceEvents).size() == 1 && records(bobEvents).size() == 1);
            ServerSentEvent<String> received = records(aliceEvents).get(0);
            assertThat(received.id()).isEqualTo(alices.subject());
            assertThat(received.data()).contains("\"kind\":\"BATCH_ITEM\"").doesNotContain(bobs.subject());
            assertThat(records(bobEvents).get(0).id()).isEqualTo(bobs.subject());

            // a replay is not news: nothing more on the stream
            send(Topics.PREDICTION_RESULTS, alices);
            awaitAllConsumed();
            assertThat(records(aliceEvents)).hasSize(1);
        } finally {
            aliceStream.dispose();
            bobStream.dispose();
        }
    }

    @Test
    void anotherUserCanNeitherReadNorDeleteNorErase() {
        CloudEvent<PredictionCompleted> mine = prediction(alice, null, "Car");
        send(Topics.PREDICTION_RESULTS, mine);
        awaitRecords(alice, 1);

        get(bob, "/api/history/" + mine.subject()).expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        http.delete().uri("/api/history/" + mine.subject()).headers(h -> h.setBearerAuth(bob.token())).exchange()
                .expectStatus().isNotFound();
        get(bob, "/api/history").expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
        get(bob, "/api/history/stats").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(0);
        http.delete().uri("/api/history").headers(h -> h.setBearerAuth(bob.token())).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.deletedRecords").isEqualTo(0);
        get(alice, "/api/history/" + mine.subject()).expectStatus().isOk();

        http.get().uri("/api/history").exchange().expectStatus().isUnauthorized();
        http.get().uri("/api/history").headers(h -> h.setBearerAuth(alice.token() + "x")).exchange()
                .expectStatus().isUnauthorized();

        http.delete().uri("/api/history/" + mine.subject()).headers(h -> h.setBearerAuth(alice.token())).exchange()
                .expectStatus().isNoContent();
        get(alice, "/api/history/" + mine.subject()).expectStatus().isNotFound();
    }

    @Test
    void erasurePublishesTheEventAndRemovesTheRecords() {
        send(Topics.PREDICTION_RESULTS, prediction(alice, null, "Car"));
        send(Topics.PREDICTION_RESULTS, prediction(alice, null, "Bike"));
        CloudEvent<PredictionCompleted> bobs = prediction(bob, null, "Ship");
        send(Topics.PREDICTION_RESULTS, bobs);
        awaitRecords(alice, 2);
        awaitRecords(bob, 1);

        Instant beforeErasure = Instant.now();
        String eventId = http.delete().uri("/api/history").headers(h -> {
                    h.setBearerAuth(alice.token());
                    h.set("X-Correlation-Id", "erase-" + alice.id());
                }).exchange()
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("erasureEventId").toString();

        get(alice, "/api/history").expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
        get(bob, "/api/history/" + bobs.subject()).expectStatus().isOk();

        ConsumerRecord<String, byte[]> published = awaitRecord(Topics.USER_ERASURE, r -> alice.id().equals(r.key()));
        CloudEvent<?> erasure = codec.read(published.value());
        assertThat(erasure.id()).isEqualTo(eventId);
        assertThat(erasure.type()).isEqualTo(EventTypes.USER_ERASURE_REQUESTED);
        assertThat(erasure.userid()).isEqualTo(alice.id());
        assertThat(erasure.correlationid()).isEqualTo("erase-" + alice.id());

        // results of work done before the erasure, arriving late, do not bring the data back
        send(Topics.PREDICTION_RESULTS, prediction(alice, null, "Car", beforeErasure));
        awaitAllConsumed();
        get(alice, "/api/history").expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
    }

    /** Mongo's URI as the extension published it, with quick server selection so an outage surfaces in seconds. */
    @DynamicPropertySource
    static void quickMongoFailures(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> System.getProperty("spring.mongodb.uri") + "?serverSelectionTimeoutMS=2000");
    }

    @Test
    void aMongoOutageDelaysRecordsAndLosesNone() {
        MongoHandle mongo = RealServersExtension.mongo();
        double failuresBefore = mongoFailures();
        List<String> ids = new ArrayList<>();
        mongo.stop();
        try {
            for (int i = 0; i < 3; i++) {
                CloudEvent<PredictionCompleted> event = prediction(alice, null, "Car");
                ids.add(event.subject());
                send(Topics.PREDICTION_RESULTS, event);
            }
            // the consumer got them and could not store them
            await().atMost(WAIT).until(() -> mongoFailures() > failuresBefore);
        } finally {
            restart(mongo);
        }
        awaitRecords(alice, 3);
        awaitAllConsumed();
        ids.forEach(id -> get(alice, "/api/history/" + id).expectStatus().isOk());
        assertThat(keysOn(Topics.deadLetter(Topics.PREDICTION_RESULTS))).doesNotContainAnyElementsOf(ids);
    }

    @Test
    void healthAndApiDocsAreServed() {
        http.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.mongoPing.status").isEqualTo("UP");
        http.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/api/history/stream']").exists();
        http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    // --- helpers -------------------------------------------------------------------------------

    private static User user(String prefix) {
        TestIdentity.User u = TestIdentity.newUser(prefix);
        return new User(u.id(), u.token());
    }

    private CloudEvent<PredictionCompleted> prediction(User user, String batchId, String label) {
        return prediction(user, batchId, label, Instant.now());
    }

    private CloudEvent<PredictionCompleted> prediction(User user, String batchId, String label, Instant time) {
        String id = UUID.randomUUID().toString();
        Map<String, Double> probabilities = new HashMap<>(Map.of("Bike", 0.05, "Car", 0.05, "Ship", 0.05));
        probabilities.put(label, 0.8);
        PredictionCompleted data = new PredictionCompleted(id, "img-" + id, "uploads/" + user.id() + "/img-" + id, batchId,
                "photo.jpg", PredictionCompleted.Status.DONE, label, 0.8, probabilities, new ModelRef("demo", "1"),
                new DetectorVerdict(0.1, 0.5, false), null, null);
        return new CloudEvent<>(CloudEvent.SPEC_VERSION, "evt-" + id, URI.create("urn:test"), EventTypes.PREDICTION_COMPLETED,
                id, time, "application/json", user.id(), "corr-" + id, data);
    }

    private CloudEvent<AttackCompleted> attack(User user) {
        String id = UUID.randomUUID().toString();
        AttackCompleted data = new AttackCompleted(id, "img-" + id, "uploads/" + user.id() + "/img-" + id,
                "adversarial/" + user.id() + "/" + id + ".png", "adversarial/" + user.id() + "/" + id + "-perturbation.png",
                new AttackParameters("PGD", 0.03, 10, 0.007, true, null), AttackCompleted.Status.DONE,
                new AttackCompleted.LabelScore("Car", 0.9), new AttackCompleted.LabelScore("Ship", 0.6), true, 0.03, 2.1,
                new ModelRef("demo", "1"), new DetectorVerdict(0.8, 0.5, true), null, null);
        return CloudEvent.of(URI.create("urn:test"), EventTypes.ATTACK_COMPLETED, id, user.id(), "corr-" + id, data);
    }

    private void send(String topic, CloudEvent<?> event) {
        try {
            producer.send(new ProducerRecord<>(topic, event.subject(), codec.write(event))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private WebTestClient.ResponseSpec get(User user, String path) {
        return http.get().uri(path).headers(h -> h.setBearerAuth(user.token())).exchange();
    }

    private void awaitRecords(User user, int count) {
        // errors are tolerated while waiting: right after a MongoDB restart a query may fail once
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            Map<?, ?> page = get(user, "/api/history?size=100").expectStatus().isOk()
                    .expectBody(Map.class).returnResult().getResponseBody();
            return ((List<?>) page.get("items")).size() == count;
        });
    }

    /** Waits until the service committed every offset of both results topics: all is processed. */
    private void awaitAllConsumed() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("history-service")
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.PREDICTION_RESULTS, Topics.ATTACK_RESULTS)).allTopicNames().get()
                    .forEach((name, d) -> d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()),
                            OffsetSpec.latest())));
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue().offset() == 0 || (c != null && c.offset() >= e.getValue().offset());
            });
        });
    }

    private ConsumerRecord<String, byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (match.test(r)) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no matching record on " + topic + " within " + WAIT);
    }

    private Disposable stream(User user, List<ServerSentEvent<String>> into) {
        return WebClient.create("http://127.0.0.1:" + port).get().uri("/api/history/stream")
                .headers(h -> h.setBearerAuth(user.token()))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .subscribe(into::add);
    }

    /** The port of a just-stopped server can take a moment to be free again. */
    private static void restart(MongoHandle mongo) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                mongo.start();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("[history-it] restarting mongo: " + e.getMessage().lines().findFirst().orElse(""));
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private double mongoFailures() {
        String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return metrics.lines()
                .filter(l -> l.startsWith("history_ingest_failures_total") && l.contains("cause=\"mongo-unavailable\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Every key on a topic, read until two polls in a row return nothing. */
    private List<String> keysOn(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int empty = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (empty < 2 && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofSeconds(2));
                if (records.isEmpty() && !consumer.assignment().isEmpty()) {
                    empty++;
                }
                records.forEach(r -> keys.add(r.key()));
            }
        }
        return keys;
    }

    private static List<ServerSentEvent<String>> records(List<ServerSentEvent<String>> events) {
        synchronized (events) {
            return events.stream().filter(e -> "record".equals(e.event())).toList();
        }
    }

    private static String bootstrap() {
        return System.getProperty("spring.kafka.bootstrap-servers");
    }
}
