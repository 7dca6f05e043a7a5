package dev.aegis.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.aegis.adversarial.AdversarialApplication;
import dev.aegis.reliability.HostileFiles.Hostile;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.Server;
import dev.aegis.testsupport.TestFiles;

/**
 * The adversarial service (API role) in this JVM on real Kafka, MongoDB-protocol and S3 servers:
 * the hostile corpus to its upload endpoint, object-level authorization with two users on every
 * id-taking endpoint, unauthenticated and malformed-token calls, mass assignment and resource
 * limits. No worker and no model: no attack has to run for these checks (they stay PENDING).
 * Callers carry Spring Security test JWTs; real signed tokens are exercised in {@link HistoryReliabilityIT}.
 */
@RealServers({Server.KAFKA, Server.MONGO, Server.S3})
@SpringBootTest(classes = AdversarialApplication.class, properties = {
        // the classpath holds three services' application.yml: read this service's own
        "spring.config.location=classpath:/service-config/adversarial/",
        "spring.profiles.active=api"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdversarialHostileInputIT {

    private static final Set<Integer> REJECTIONS = Set.of(400, 413, 415, 422);
    private static final String USER = "alice-" + UUID.randomUUID();
    private static final String OTHER = "mallory-" + UUID.randomUUID();

    @Autowired
    ApplicationContext context;
    @Autowired
    ReactiveMongoTemplate mongo;
    @Autowired
    MinioClient minio;

    private WebTestClient base;
    private String bucket;
    /** Stored before the barrage, must be intact after it. */
    private String imageId;
    private String attackId;
    private String reportId;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void storeSomethingFirst() {
        base = WebTestClient.bindToApplicationContext(context).apply(springSecurity()).configureClient()
                .responseTimeout(Duration.ofSeconds(90)).build();
        bucket = System.getProperty("aegis.storage.bucket");
        Map<String, Object> accepted = upload(USER, "ok.png", TestFiles.png(32, 32, 7), attackFields())
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        attackId = (String) accepted.get("id");
        Map<String, Object> attack = as(USER).get().uri("/api/attacks/{id}", attackId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        imageId = imageIdOf(attack);
        Map<String, Object> report = as(USER).post().uri("/api/robustness").contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("imageIds", List.of(imageId), "method", "FGSM", "epsilons", List.of(0.05, 0.1)))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        reportId = (String) report.get("id");
        System.out.println("[reliability] adversarial: stored image " + imageId + ", attack " + attackId
                + ", robustness report " + reportId);
    }

    @SuppressWarnings("unchecked")
    private static String imageIdOf(Map<String, Object> attack) {
        Object original = attack.get("original");
        if (attack.get("imageId") instanceof String s) {
            return s;
        }
        if (original instanceof Map<?, ?> m && m.get("imageId") instanceof String s) {
            return s;
        }
        throw new AssertionError("no image id in " + attack);
    }

    private static Map<String, String> attackFields() {
        return Map.of("method", "FGSM", "epsilon", "0.05");
    }

    private WebTestClient as(String subject) {
        return base.mutateWith(mockJwt().jwt(j -> j.subject(subject)
                .claim("realm_access", Map.of("roles", List.of("user")))));
    }

    private WebTestClient.ResponseSpec upload(String subject, String name, byte[] bytes, Map<String, String> fields) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        fields.forEach(body::part);
        body.part("image", new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        }).contentType(name.endsWith(".zip") ? MediaType.parseMediaType("application/zip")
                : name.endsWith(".jpg") ? MediaType.IMAGE_JPEG : MediaType.IMAGE_PNG);
        return as(subject).post().uri("/api/attacks").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange();
    }

    /** Documents of this service's collections and objects in the bucket: what "nothing stored" means. */
    private Map<String, Long> stored() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String collection : List.of("attacks", "robustness")) {
            counts.put("mongo:" + collection, mongo.count(new Query(), collection).block());
        }
        long objects = 0;
        for (Result<Item> ignored : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            objects++;
        }
        counts.put("s3:" + bucket, objects);
        return counts;
    }

    private static boolean isProblem(EntityExchangeResult<Map> r, Set<Integer> allowed) {
        int status = r.getStatus().value();
        MediaType type = r.getResponseHeaders().getContentType();
        return allowed.contains(status) && type != null && type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                && r.getResponseBody() != null && Integer.valueOf(status).equals(r.getResponseBody().get("status"));
    }

    @Test
    @Order(1)
    void everyHostileFileIsRefusedAndNothingIsStored() throws Exception {
        Map<String, Long> before = stored();
        List<String> failures = new ArrayList<>();
        List<Hostile> corpus = new ArrayList<>(HostileFiles.all());
        for (Hostile file : corpus) {
            EntityExchangeResult<Map> r = upload(USER, file.name(), file.bytes(), attackFields())
                    .expectBody(Map.class).returnResult();
            System.out.println("[reliability] POST /api/attacks (multipart image) " + file + " -> " + r.getStatus().value());
            if (!isProblem(r, REJECTIONS)) {
                failures.add(file + " -> " + r.getStatus() + " " + r.getResponseHeaders().getContentType() + " "
                        + r.getResponseBody());
            }
        }
        // the same files under the other accepted part name
        for (Hostile file : corpus.subList(0, 4)) {
            MultipartBodyBuilder body = new MultipartBodyBuilder();
            attackFields().forEach(body::part);
            body.part("file", new ByteArrayResource(file.bytes()) {
                @Override
                public String getFilename() {
                    return file.name();
                }
            }).contentType(MediaType.IMAGE_PNG);
            EntityExchangeResult<Map> r = as(USER).post().uri("/api/attacks").contentType(MediaType.MULTIPART_FORM_DATA)
                    .body(BodyInserters.fromMultipartData(body.build())).exchange().expectBody(Map.class).returnResult();
            System.out.println("[reliability] POST /api/attacks (multipart file) " + file + " -> " + r.getStatus().value());
            if (!isProblem(r, REJECTIONS)) {
                failures.add("part 'file' " + file + " -> " + r.getStatus() + " " + r.getResponseBody());
            }
        }
        Map<String, Long> after = stored();
        System.out.println("[reliability] adversarial: " + (corpus.size() + 4) + " hostile uploads; stored before "
                + before + ", after " + after);
        assertThat(failures).as("answers that are not a 400/413/415/422 problem+json").isEmpty();
        assertThat(after).as("a refused upload stores nothing").isEqualTo(before);
    }

    @Test
    @Order(2)
    void badAttackFieldsAreRefusedBeforeTheImageIsStored() throws Exception {
        Map<String, Long> before = stored();
        byte[] fresh = TestFiles.png(30, 30, 4242);
        List<Map<String, String>> bad = List.of(
                Map.of("method", "FGSM"),                                   // no epsilon
                Map.of("method", "DROP TABLE", "epsilon", "0.1"),
                Map.of("method", "FGSM", "epsilon", "NaN"),
                Map.of("method", "FGSM", "epsilon", "1e308"),
                Map.of("method", "PGD", "epsilon", "0.1", "steps", "1000000"),
                Map.of("method", "PGD", "epsilon", "0.1", "stepSize", "-1"),
                Map.of("method", "PGD", "epsilon", "0.1", "randomStart", "maybe"));
        for (Map<String, String> fields : bad) {
            EntityExchangeResult<Map> r = upload(USER, "fresh.png", fresh, fields).expectBody(Map.class).returnResult();
            System.out.println("[reliability] POST /api/attacks " + fields + " -> " + r.getStatus().value());
            assertThat(isProblem(r, Set.of(400, 422))).as(fields + " -> " + r.getStatus() + " " + r.getResponseBody())
                    .isTrue();
        }
        assertThat(stored()).as("refused parameters store no image and no attack").isEqualTo(before);
    }

    /** OWASP API4: the limits of an upload and of a report. */
    @Test
    @Order(3)
    void resourceLimitsAreEnforced() throws Exception {
        Map<String, Long> before = stored();
        // 12 MiB > the 10 MiB upload limit (a valid PNG header in front, random bytes after)
        byte[] big = new byte[12 * 1024 * 1024];
        new java.util.Random(1).nextBytes(big);
        byte[] png = TestFiles.png(16, 16, 1);
        System.arraycopy(png, 0, big, 0, png.length);
        EntityExchangeResult<Map> r = upload(USER, "big.png", big, attackFields()).expectBody(Map.class).returnResult();
        System.out.println("[reliability] POST /api/attacks 12 MiB image -> " + r.getStatus().value());
        assertThat(isProblem(r, Set.of(413))).as("12 MiB upload: " + r.getStatus() + " " + r.getResponseBody()).isTrue();

        List<String> tooManyImages = IntStream.range(0, 201).mapToObj(i -> imageId).toList();
        List<Double> tooManyEpsilons = IntStream.range(0, 13).mapToObj(i -> i / 100.0).toList();
        Map<String, Object> manyImages = Map.of("imageIds", tooManyImages, "method", "FGSM", "epsilons", List.of(0.1));
        Map<String, Object> manyEps = Map.of("imageIds", List.of(imageId), "method", "FGSM", "epsilons", tooManyEpsilons);
        Map<String, Object> manySteps = Map.of("imageIds", List.of(imageId), "method", "PGD", "steps", 1001,
                "epsilons", List.of(0.1));
        for (Map<String, Object> body : List.of(manyImages, manyEps, manySteps)) {
            EntityExchangeResult<Map> rr = as(USER).post().uri("/api/robustness").contentType(MediaType.APPLICATION_JSON)
                    .accept(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectBody(Map.class).returnResult();
            String what = body.keySet() + " sizes " + body.values().stream()
                    .map(v -> v instanceof List<?> l ? l.size() : v).toList();
            System.out.println("[reliability] POST /api/robustness " + what + " -> " + rr.getStatus().value());
            assertThat(isProblem(rr, Set.of(400, 422))).as(what + " " + rr.getResponseBody()).isTrue();
        }
        // a long-poll is bounded by the service's max-wait (30 s), whatever the client asks
        EntityExchangeResult<Map> waitTooLong = as(USER).get().uri("/api/attacks/{id}?wait=P365D", attackId)
                .exchange().expectBody(Map.class).returnResult();
        System.out.println("[reliability] GET /api/attacks/{id}?wait=P365D -> " + waitTooLong.getStatus().value());
        assertThat(waitTooLong.getStatus().value()).isIn(200, 400);
        assertThat(stored()).isEqualTo(before);
    }

    /** OWASP API1: another user's ids answer exactly like ids that do not exist. */
    @Test
    @Order(4)
    void anotherUserGets404OnEveryIdTakingEndpoint() throws Exception {
        as(USER).get().uri("/api/attacks/{id}", attackId).exchange().expectStatus().isOk();
        as(USER).get().uri("/api/robustness/{id}", reportId).accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk();
        Map<String, Long> before = stored();
        List<String> checked = new ArrayList<>();
        notFound(as(OTHER).get().uri("/api/attacks/{id}", attackId).exchange(), checked, "GET /api/attacks/{id}");
        notFound(as(OTHER).get().uri("/api/attacks/{id}?wait=PT1S", attackId).exchange(), checked,
                "GET /api/attacks/{id}?wait");
        notFound(as(OTHER).get().uri("/api/attacks/{id}/image", attackId).exchange(), checked,
                "GET /api/attacks/{id}/image");
        notFound(as(OTHER).get().uri("/api/attacks/{id}/perturbation", attackId).exchange(), checked,
                "GET /api/attacks/{id}/perturbation");
        notFound(as(OTHER).post().uri("/api/attacks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("imageId", imageId, "method", "FGSM", "epsilon", 0.1)).exchange(), checked,
                "POST /api/attacks {imageId} (json)");
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("imageId", imageId);
        form.part("method", "FGSM");
        form.part("epsilon", "0.1");
        notFound(as(OTHER).post().uri("/api/attacks").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(form.build())).exchange(), checked,
                "POST /api/attacks imageId (multipart)");
        notFound(as(OTHER).post().uri("/api/robustness").contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("imageIds", List.of(imageId), "method", "FGSM", "epsilons", List.of(0.1))).exchange(),
                checked, "POST /api/robustness {imageIds}");
        notFound(as(OTHER).post().uri("/api/robustness").contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("images", List.of(Map.of("imageId", imageId)), "method", "FGSM",
                        "epsilons", List.of(0.1))).exchange(),
                checked, "POST /api/robustness {images}");
        notFound(as(OTHER).get().uri("/api/robustness/{id}", reportId).accept(MediaType.APPLICATION_JSON).exchange(),
                checked, "GET /api/robustness/{id} (json)");
        notFound(as(OTHER).get().uri("/api/robustness/{id}?wait=PT1S", reportId).accept(MediaType.APPLICATION_JSON)
                .exchange(), checked, "GET /api/robustness/{id}?wait (json)");
        EntityExchangeResult<byte[]> chart = as(OTHER).get().uri("/api/robustness/{id}", reportId)
                .accept(MediaType.IMAGE_PNG).exchange().expectBody().returnResult();
        // the PNG variant cannot render a problem body as PNG; what matters is 404 and no chart bytes
        assertThat(chart.getStatus().value()).as("GET /api/robustness/{id} (png)").isEqualTo(404);
        assertThat(chart.getResponseBody() == null || !startsWithPng(chart.getResponseBody())).isTrue();
        checked.add("GET /api/robustness/{id} (png)");
        System.out.println("[reliability] adversarial BOLA: " + checked.size() + " endpoints answer 404 to another user: "
                + checked);
        assertThat(stored()).as("the other user's attempts stored nothing").isEqualTo(before);
        // the owner's objects are unchanged
        as(USER).get().uri("/api/attacks/{id}", attackId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(attackId);
        as(USER).get().uri("/api/robustness/{id}", reportId).accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(reportId);
    }

    private static boolean startsWithPng(byte[] bytes) {
        return bytes.length > 4 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
    }

    private static void notFound(WebTestClient.ResponseSpec response, List<String> checked, String what) {
        EntityExchangeResult<Map> r = response.expectBody(Map.class).returnResult();
        assertThat(isProblem(r, Set.of(404))).as(what + " -> " + r.getStatus() + " " + r.getResponseBody()).isTrue();
        checked.add(what);
    }

    /** OWASP API3/6: ids, owners, statuses and storage keys sent by the client are not taken. */
    @Test
    @Order(5)
    void clientSuppliedIdsOwnersStatusesAndKeysAreIgnored() {
        String forgedId = UUID.randomUUID().toString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("imageId", imageId);
        body.put("method", "FGSM");
        body.put("epsilon", 0.05);
        body.put("id", forgedId);
        body.put("userId", OTHER);
        body.put("owner", OTHER);
        body.put("status", "DONE");
        body.put("success", true);
        body.put("imageKey", "uploads/" + OTHER + "/x");
        body.put("adversarialKey", "models/active.json");
        body.put("reportId", reportId);
        @SuppressWarnings("unchecked")
        Map<String, Object> accepted = as(USER).post().uri("/api/attacks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) accepted.get("id");
        assertThat(id).isNotEqualTo(forgedId);
        assertThat(accepted.get("status")).isEqualTo("PENDING");
        Document stored = mongo.findOne(Query.query(Criteria.where("_id").is(id)), Document.class, "attacks").block();
        assertThat(stored).isNotNull();
        assertThat(stored.getString("userId")).isEqualTo(USER);
        assertThat(stored.getString("status")).isEqualTo("PENDING");
        assertThat(stored.getString("imageKey")).isEqualTo("uploads/" + USER + "/" + imageId);
        assertThat(stored.get("adversarialKey")).isNull();
        assertThat(stored.get("reportId")).isNull();
        as(OTHER).get().uri("/api/attacks/{id}", id).exchange().expectStatus().isNotFound();
        as(USER).get().uri("/api/attacks/{id}", forgedId).exchange().expectStatus().isNotFound();
        as(USER).get().uri("/api/attacks/{id}/image", id).exchange().expectStatus().isNotFound();
        System.out.println("[reliability] adversarial mass assignment: forged id/userId/owner/status/success/keys/reportId"
                + " ignored; got id " + id + " owned by the caller, PENDING");
    }

    /** OWASP API2 as far as it can be checked without an issuer: no token, garbage, unsigned. */
    @Test
    @Order(6)
    void callsWithoutAValidTokenAre401() {
        String unsigned = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64("{\"sub\":\"" + USER
                + "\",\"iss\":\"x\",\"aud\":\"aegis-api\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}") + ".";
        List<String> checked = new ArrayList<>();
        for (String path : List.of("/api/attacks/" + attackId, "/api/robustness/" + reportId, "/api/attacks/presets")) {
            for (Map.Entry<String, String> auth : Map.of("no token", "", "garbage", "Bearer not.a.jwt",
                    "alg none", "Bearer " + unsigned, "basic", "Basic " + b64(USER + ":x")).entrySet()) {
                WebTestClient.RequestHeadersSpec<?> request = base.get().uri(path).accept(MediaType.APPLICATION_JSON);
                if (!auth.getValue().isEmpty()) {
                    request = request.header("Authorization", auth.getValue());
                }
                EntityExchangeResult<Map> r = request.exchange().expectBody(Map.class).returnResult();
                assertThat(isProblem(r, Set.of(401))).as(path + " " + auth.getKey() + " -> " + r.getStatus() + " "
                        + r.getResponseBody()).isTrue();
                checked.add(auth.getKey() + " " + path);
            }
        }
        System.out.println("[reliability] adversarial broken auth: " + checked.size() + " calls answered 401 problem+json");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
