package dev.aegis.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventTypes;
import dev.aegis.events.ModelRef;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.events.Topics;
import dev.aegis.history.HistoryApplication;
import dev.aegis.testsupport.KeycloakHandle;
import dev.aegis.testsupport.MongoHandle;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;

/**
 * The history service in this JVM (real HTTP port) on real Kafka, the MongoDB-protocol server and
 * Keycloak, with real signed tokens: object-level authorization between two Keycloak users,
 * broken-authentication cases, query limits, then two faults on the running servers: MongoDB
 * stopped for 30 s while result events keep arriving, and Keycloak stopped (cached keys, expiry,
 * logins). Ordered: the faults come last and the expiry check needs time to pass.
 */
@RealServers({Server.KAFKA, Server.MONGO, Server.KEYCLOAK})
@SpringBootTest(classes = HistoryApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.location=classpath:/service-config/history/")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryReliabilityIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration MONGO_OUTAGE = Duration.ofSeconds(30);
    /** Spring Security's default clock skew for exp (JwtTimestampValidator). */
    private static final Duration SKEW = Duration.ofSeconds(60);
    private static final String PASSWORD = "Rel-Passw0rd!2026";
    private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;
    @Autowired
    ReactiveMongoTemplate mongo;

    private final EventCodec codec = new EventCodec();
    private KafkaProducer<String, byte[]> producer;
    private Admin admin;
    private WebTestClient http;
    private KeycloakHandle keycloak;

    private User alice;
    private User bob;
    /** Alice's token from a client whose access tokens live 1 s. */
    private String shortToken;
    private Instant shortTokenExpiry;
    private final List<String> aliceRecords = new ArrayList<>();

    record User(String name, String id, String token) {
    }

    /** Mongo's URI as the extension published it, with quick server selection so an outage surfaces in seconds. */
    @DynamicPropertySource
    static void quickMongoFailures(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> System.getProperty("spring.mongodb.uri") + "?serverSelectionTimeoutMS=2000");
    }

    @BeforeAll
    void setUp() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        admin = Admin.create(a);
        http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        keycloak = RealServersExtension.keycloak();
        alice = newUser("alice");
        bob = newUser("bob");
        String shortClient = shortLivedClient();
        shortToken = token(keycloak.issuerUri(), Map.of("grant_type", "password", "client_id", shortClient,
                "username", alice.name(), "password", PASSWORD));
        shortTokenExpiry = Instant.ofEpochSecond(claimLong(shortToken, "exp"));
        System.out.println("[reliability] history: Keycloak users " + alice.name() + " / " + bob.name()
                + "; short-lived token expires at " + shortTokenExpiry);
    }

    @AfterAll
    void closeClients() {
        producer.close();
        admin.close();
    }

    @Test
    @Order(1)
    void anotherUserCanNeitherReadNorDeleteNorEraseTheRecords() {
        for (int i = 0; i < 3; i++) {
            CloudEvent<PredictionCompleted> event = prediction(alice, "Car");
            aliceRecords.add(event.subject());
            send(event);
        }
        awaitCount(alice, 3);
        // sanity: the owner is served (else a 404 would prove nothing)
        get(alice.token(), "/api/history/" + aliceRecords.get(0)).expectStatus().isOk();
        // the short-lived token works while it is fresh
        get(shortToken, "/api/history/" + aliceRecords.get(0)).expectStatus().isOk();

        List<String> checked = new ArrayList<>();
        for (String id : aliceRecords) {
            problem(get(bob.token(), "/api/history/" + id), 404, checked, "GET /api/history/{id}");
            problem(http.delete().uri("/api/history/" + id).headers(h -> h.setBearerAuth(bob.token())).exchange(), 404,
                    checked, "DELETE /api/history/{id}");
        }
        get(bob.token(), "/api/history?size=100").expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(0);
        checked.add("GET /api/history (empty for the other user)");
        get(bob.token(), "/api/history/stats").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(0);
        checked.add("GET /api/history/stats (0 for the other user)");
        http.delete().uri("/api/history").headers(h -> h.setBearerAuth(bob.token())).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.deletedRecords").isEqualTo(0);
        checked.add("DELETE /api/history (erases only the caller's: 0)");
        System.out.println("[reliability] history BOLA: " + checked.size() + " calls by another user, none saw or"
                + " deleted anything: " + new java.util.LinkedHashSet<>(checked));
        assertThat(countOf(alice)).as("alice's records after bob's attempts").isEqualTo(3);
        aliceRecords.forEach(id -> get(alice.token(), "/api/history/" + id).expectStatus().isOk());
    }

    /** OWASP API4: the page size and the query are bounded; unknown parameters are refused. */
    @Test
    @Order(2)
    void queryLimitsAreEnforced() {
        List<String> checked = new ArrayList<>();
        for (String query : List.of("size=101", "size=1000000", "size=-1", "size=abc", "cursor=AAAA%25%25",
                "from=yesterday", "sort=random", "userId=" + bob.id(), "size=5&size=6", "owner=" + bob.id())) {
            problem(get(alice.token(), "/api/history?" + query), 400, checked, "GET /api/history?" + query);
        }
        System.out.println("[reliability] history limits: " + checked.size() + " queries refused with 400: " + checked);
    }

    /** OWASP API2 with real Keycloak tokens: only an unexpired token of our realm, for our API, signed by it. */
    @Test
    @Order(3)
    void tokensThatAreNotOursAre401() throws Exception {
        String path = "/api/history/" + aliceRecords.get(0);
        String[] parts = alice.token().split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String kid = matchOrNull(Pattern.compile("\"kid\"\\s*:\\s*\"([^\"]+)\""), header);

        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("no token", null);
        cases.put("garbage", "not.a.jwt");
        cases.put("alg none", b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".");
        cases.put("payload changed to bob's sub, Keycloak's signature kept",
                parts[0] + "." + b64(payload.replace(alice.id(), bob.id())) + "." + parts[2]);
        cases.put("signature of another token", parts[0] + "." + parts[1] + "." + bob.token().split("\\.")[2]);
        cases.put("same claims re-signed with our own key under Keycloak's kid", forge(kid, payload));
        cases.put("same claims signed with an unknown kid", forge("unknown-" + UUID.randomUUID(), payload));
        cases.put("right issuer and signature, no aegis-api audience (realm's admin-cli)", realmAdminCliToken());
        cases.put("another realm's token (master admin)", keycloak.adminToken());
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            WebTestClient.RequestHeadersSpec<?> request = http.get().uri(path);
            if (c.getValue() != null) {
                request = request.header("Authorization", "Bearer " + c.getValue());
            }
            problem(request.exchange(), 401, checked, c.getKey());
        }
        System.out.println("[reliability] history broken auth: " + checked.size() + " cases answered 401 problem+json: "
                + checked);
        get(alice.token(), path).expectStatus().isOk();
    }

    /**
     * Fault: MongoDB stopped for 30 s while result events keep arriving (one every 250 ms before,
     * during and after). The consumer retries without committing, so after the restart every event
     * is stored exactly once and none is dead-lettered.
     */
    @Test
    @Order(4)
    void aThirtySecondMongoOutageDuringTrafficLosesAndDuplicatesNothing() throws Exception {
        MongoHandle mongoServer = RealServersExtension.mongo();
        long before = countOf(alice);
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        int[] phase = new int[3];
        AtomicBoolean stopping = new AtomicBoolean();
        int[] current = {0};
        Thread traffic = new Thread(() -> {
            while (!stopping.get()) {
                CloudEvent<PredictionCompleted> event = prediction(alice, "Ship");
                send(event);
                sent.add(event.subject());
                synchronized (phase) {
                    phase[current[0]]++;
                }
                sleep(250);
            }
        }, "history-traffic");
        traffic.start();
        sleep(5000);
        int outageAnswer;
        synchronized (phase) {
            current[0] = 1;
        }
        mongoServer.stop();
        long stoppedAt = System.nanoTime();
        System.out.println("[reliability] injected: MongoDB-protocol server stopped for " + MONGO_OUTAGE.toSeconds()
                + " s (port " + mongoServer.port() + ") while events keep coming");
        try {
            sleep(3000);
            // reads during the outage: 503 problem+json with Retry-After, not a 500
            EntityExchangeResult<Map> during = get(alice.token(), "/api/history").expectBody(Map.class).returnResult();
            outageAnswer = during.getStatus().value();
            System.out.println("[reliability] GET /api/history during the outage -> " + outageAnswer + " "
                    + during.getResponseHeaders().getContentType());
            assertThat(outageAnswer).isEqualTo(503);
            assertThat(during.getResponseHeaders().getContentType()).matches(t -> t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
            long left = MONGO_OUTAGE.toNanos() - (System.nanoTime() - stoppedAt);
            if (left > 0) {
                sleep(TimeUnit.NANOSECONDS.toMillis(left));
            }
        } finally {
            synchronized (phase) {
                current[0] = 2;
            }
            Restarts.start(mongoServer, "MongoDB-protocol server (same port, same file)");
        }
        sleep(5000);
        stopping.set(true);
        traffic.join(30_000);
        List<String> ids = List.copyOf(sent);
        long expected = before + ids.size();
        long t0 = System.nanoTime();
        awaitAllConsumed();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> countOf(alice) >= expected);
        long caughtUpMs = (System.nanoTime() - t0) / 1_000_000;
        List<Document> docs = mongo.find(Query.query(Criteria.where("userId").is(alice.id())), Document.class, "history")
                .collectList().block();
        Map<String, Integer> perId = new HashMap<>();
        docs.forEach(d -> perId.merge(String.valueOf(d.get("_id")), 1, Integer::sum));
        long missing = ids.stream().filter(id -> !perId.containsKey(id)).count();
        long duplicated = perId.values().stream().filter(n -> n > 1).count();
        int deadLettered = deadLetteredAmong(Set.copyOf(ids));
        System.out.println("[reliability] checked: sent " + ids.size() + " events (" + phase[0] + " before, " + phase[1]
                + " during the outage, " + phase[2] + " after); stored " + (docs.size() - before) + " new records, missing "
                + missing + ", duplicated " + duplicated + ", dead-lettered " + deadLettered
                + "; caught up " + caughtUpMs + " ms after the traffic stopped");
        assertThat(phase[1]).as("events published during the outage").isGreaterThan(0);
        assertThat(missing).as("events without a record").isZero();
        assertThat(duplicated).as("records stored twice").isZero();
        assertThat(docs).hasSize((int) expected);
        assertThat(deadLettered).as("events dead-lettered because of the outage").isZero();
        get(alice.token(), "/api/history/" + ids.get(ids.size() / 2)).expectStatus().isOk();
    }

    /**
     * Fault: Keycloak stopped. Tokens issued before keep working (the service cached the realm's
     * keys on first use) until they expire; new logins fail; a token whose key is unknown is refused
     * with 401, not a 500. After the restart, logins work again.
     */
    @Test
    @Order(5)
    void withKeycloakDownIssuedTokensWorkUntilExpiryAndNewLoginsFail() {
        String path = "/api/history/" + aliceRecords.get(0);
        Instant expiredAt = shortTokenExpiry.plus(SKEW).plusSeconds(2);
        keycloak.stop();
        System.out.println("[reliability] injected: Keycloak stopped");
        try {
            get(alice.token(), path).expectStatus().isOk();
            get(bob.token(), "/api/history").expectStatus().isOk();
            System.out.println("[reliability] checked: 2 tokens issued before the outage still accepted");
            String login;
            try {
                keycloak.userToken(alice.name(), PASSWORD);
                login = "succeeded";
            } catch (IllegalStateException e) {
                login = "failed: " + e.getMessage().lines().findFirst().orElse("");
            }
            System.out.println("[reliability] checked: new login " + login);
            assertThat(login).startsWith("failed");
            EntityExchangeResult<Map> unknownKey = http.get().uri(path)
                    .header("Authorization", "Bearer " + forge("unknown-" + UUID.randomUUID(),
                            new String(Base64.getUrlDecoder().decode(alice.token().split("\\.")[1]), StandardCharsets.UTF_8)))
                    .exchange().expectBody(Map.class).returnResult();
            System.out.println("[reliability] token with an unknown key while Keycloak is down -> "
                    + unknownKey.getStatus().value() + " " + unknownKey.getResponseBody());
            assertThat(unknownKey.getStatus().value()).as("unknown key, keys unreachable").isEqualTo(401);
            assertThat(unknownKey.getResponseHeaders().getContentType())
                    .matches(t -> t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
            // the 1 s token (plus the 60 s skew): wait until it is expired for sure, it must then fail
            long waitMs = Duration.between(Instant.now(), expiredAt).toMillis();
            if (waitMs > 0) {
                System.out.println("[reliability] waiting " + waitMs + " ms for the short-lived token to expire");
                sleep(waitMs);
            }
            EntityExchangeResult<Map> expired = get(shortToken, path).expectBody(Map.class).returnResult();
            System.out.println("[reliability] checked: token expired at " + shortTokenExpiry + " (+60 s skew) -> "
                    + expired.getStatus().value());
            assertThat(expired.getStatus().value()).isEqualTo(401);
            assertThat(expired.getResponseHeaders().getContentType())
                    .matches(t -> t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
            get(alice.token(), path).expectStatus().isOk();
        } finally {
            Restarts.start(keycloak, "Keycloak");
        }
        String fresh = keycloak.userToken(alice.name(), PASSWORD);
        get(fresh, path).expectStatus().isOk();
        System.out.println("[reliability] checked: after the restart a new login works and its token is accepted");
    }

    // --- helpers -------------------------------------------------------------------------------

    private User newUser(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        keycloak.createUser(name, PASSWORD);
        String token = keycloak.userToken(name, PASSWORD);
        return new User(name, claim(token, SUB), token);
    }

    /** A public client of realm aegis whose access tokens live 1 s, with the aegis-api audience. */
    private String shortLivedClient() {
        String clientId = "reliability-short-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"clientId\":\"" + clientId + "\",\"publicClient\":true,\"directAccessGrantsEnabled\":true,"
                + "\"standardFlowEnabled\":false,\"attributes\":{\"access.token.lifespan\":\"1\"},"
                + "\"protocolMappers\":[{\"name\":\"aegis-api-audience\",\"protocol\":\"openid-connect\","
                + "\"protocolMapper\":\"oidc-audience-mapper\",\"config\":{\"included.custom.audience\":\"aegis-api\","
                + "\"access.token.claim\":\"true\",\"id.token.claim\":\"false\"}}]}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + "/admin/realms/aegis/clients"))
                .header("Authorization", "Bearer " + keycloak.adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(created.statusCode()).as("creating client: " + created.body()).isEqualTo(201);
        return clientId;
    }

    /** Alice through the realm's built-in admin-cli client: our issuer and keys, but not our audience. */
    private String realmAdminCliToken() {
        return token(keycloak.issuerUri(), Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", alice.name(), "password", PASSWORD));
    }

    private static String token(String realmUrl, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        String token = matchOrNull(Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\""), response.body());
        assertThat(token).as("token from " + realmUrl + ": " + response.statusCode() + " " + response.body()).isNotNull();
        return token;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }

    /** The given claims (JSON), signed with a fresh RSA key of ours. */
    private static String forge(String kid, String claimsJson) {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyID(kid).generate();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                    JWTClaimsSet.parse(claimsJson));
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String claim(String token, Pattern pattern) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        String value = matchOrNull(pattern, payload);
        assertThat(value).as("claim in " + payload).isNotNull();
        return value;
    }

    private static long claimLong(String token, String name) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return Long.parseLong(matchOrNull(Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)"), payload));
    }

    private static String matchOrNull(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void problem(WebTestClient.ResponseSpec response, int status, List<String> checked, String what) {
        EntityExchangeResult<Map> r = response.expectBody(Map.class).returnResult();
        MediaType type = r.getResponseHeaders().getContentType();
        assertThat(r.getStatus().value()).as(what + " " + r.getResponseBody()).isEqualTo(status);
        assertThat(type).as(what + " content type").isNotNull()
                .matches(t -> t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        checked.add(what);
    }

    private WebTestClient.ResponseSpec get(String token, String path) {
        return http.get().uri(path).headers(h -> h.setBearerAuth(token)).exchange();
    }

    private long countOf(User user) {
        return mongo.count(Query.query(Criteria.where("userId").is(user.id())), "history").block();
    }

    private void awaitCount(User user, long count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> countOf(user) == count);
    }

    private CloudEvent<PredictionCompleted> prediction(User user, String label) {
        String id = UUID.randomUUID().toString();
        Map<String, Double> probabilities = new HashMap<>(Map.of("Bike", 0.05, "Car", 0.05, "Ship", 0.05));
        probabilities.put(label, 0.8);
        PredictionCompleted data = new PredictionCompleted(id, "img-" + id, "uploads/" + user.id() + "/img-" + id, null,
                "photo.png", PredictionCompleted.Status.DONE, label, 0.8, probabilities, new ModelRef("demo", "1"),
                new DetectorVerdict(0.1, 0.5, false), null, null);
        return new CloudEvent<>(CloudEvent.SPEC_VERSION, "evt-" + id, URI.create("urn:reliability"),
                EventTypes.PREDICTION_COMPLETED, id, Instant.now(), "application/json", user.id(), "corr-" + id, data);
    }

    private void send(CloudEvent<?> event) {
        try {
            producer.send(new ProducerRecord<>(Topics.PREDICTION_RESULTS, event.subject(), codec.write(event)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until the service committed every offset of the results topics: all is processed. */
    private void awaitAllConsumed() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("history-service")
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.PREDICTION_RESULTS)).allTopicNames().get()
                    .forEach((name, d) -> d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()),
                            OffsetSpec.latest())));
            return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue().offset() == 0 || (c != null && c.offset() >= e.getValue().offset());
            });
        });
    }

    /** How many of these ids are keys on the dead-letter topic (read from the start). */
    private int deadLetteredAmong(Set<String> ids) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("group.id", "reliability-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        int found = 0;
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(p,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            String dlt = Topics.deadLetter(Topics.PREDICTION_RESULTS);
            List<TopicPartition> partitions = consumer.partitionsFor(dlt).stream()
                    .map(i -> new TopicPartition(dlt, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (ids.contains(r.key())) {
                        found++;
                    }
                }
            }
        }
        return found;
    }

    private static String bootstrap() {
        return System.getProperty("spring.kafka.bootstrap-servers");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
