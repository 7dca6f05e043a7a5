package dev.aegis.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
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
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.aegis.inference.InferenceApplication;
import dev.aegis.reliability.HostileFiles.Hostile;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import dev.aegis.testsupport.TestFiles;

/**
 * The inference service (API role) in this JVM on real Kafka, MongoDB-protocol and S3 servers:
 * every hostile file to every upload endpoint, object-level authorization with two users on every
 * id-taking endpoint, mass assignment, and an S3 outage. The worker role is left out on purpose:
 * no prediction has to finish for these checks, and a model would cost minutes of CPU here.
 * Callers carry JWTs through Spring Security's test support (the real-token cases are in the
 * services' own ITs and the gateway's).
 */
@RealServers({Server.KAFKA, Server.MONGO, Server.S3})
@SpringBootTest(classes = InferenceApplication.class, properties = {
        "spring.profiles.active=api",
        "aegis.inference.max-batch-images=50"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InferenceHostileInputIT {

    private static final Set<Integer> REJECTIONS = Set.of(400, 413, 415, 422);
    private static final String USER = "alice-" + UUID.randomUUID();
    private static final String OTHER = "mallory-" + UUID.randomUUID();
    private static final String ADMIN = "admin-" + UUID.randomUUID();

    @Autowired
    ApplicationContext context;
    @Autowired
    ReactiveMongoTemplate mongo;
    @Autowired
    MinioClient minio;

    private WebTestClient base;
    private String bucket;
    /** Stored before the barrage, must be intact after it. */
    private String predictionId;
    private String imageId;
    private String batchId;

    @BeforeAll
    void storeSomethingFirst() {
        base = WebTestClient.bindToApplicationContext(context).apply(springSecurity()).configureClient()
                .responseTimeout(Duration.ofSeconds(90)).build();
        bucket = System.getProperty("aegis.storage.bucket");
        Map<String, Object> accepted = upload(USER, "/api/predictions", "ok.png", TestFiles.png(32, 32, 1))
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        predictionId = (String) accepted.get("id");
        imageId = (String) accepted.get("imageId");
        Map<String, byte[]> three = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            three.put("ok-" + i + ".png", TestFiles.png(24, 24, 100 + i));
        }
        Map<String, Object> batch = upload(USER, "/api/batches", "ok.zip", TestFiles.zip(three))
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        batchId = (String) batch.get("id");
        System.out.println("[reliability] stored prediction " + predictionId + " and batch " + batchId);
    }

    private WebTestClient as(String subject) {
        List<String> roles = subject.equals(ADMIN) ? List.of("user", "admin") : List.of("user");
        return base.mutateWith(mockJwt().jwt(j -> j.subject(subject).claim("realm_access", Map.of("roles", roles))));
    }

    private WebTestClient.ResponseSpec upload(String subject, String path, String name, byte[] bytes) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("file", new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        }).contentType(name.endsWith(".zip") ? MediaType.parseMediaType("application/zip") : MediaType.IMAGE_PNG);
        return as(subject).post().uri(path).contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange();
    }

    /** Documents per collection and objects in the bucket: what "nothing stored" is checked against. */
    private Map<String, Long> stored() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String collection : mongo.getCollectionNames().collectList().block()) {
            counts.put("mongo:" + collection, mongo.getCollection(collection)
                    .flatMap(c -> reactor.core.publisher.Mono.from(c.countDocuments())).block());
        }
        long objects = 0;
        for (Result<Item> ignored : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            objects++;
        }
        counts.put("s3:" + bucket, objects);
        return counts;
    }

    @Test
    @Order(1)
    void everyHostileFileIsRefusedByEveryUploadEndpointAndNothingIsStored() throws Exception {
        Map<String, Long> before = stored();
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String endpoint : List.of("/api/predictions", "/api/batches", "/api/models")) {
            String caller = endpoint.equals("/api/models") ? ADMIN : USER;
            for (Hostile file : HostileFiles.all()) {
                EntityExchangeResult<Map> r = upload(caller, endpoint, file.name(), file.bytes())
                        .expectBody(Map.class).returnResult();
                int status = r.getStatus().value();
                MediaType type = r.getResponseHeaders().getContentType();
                report.add(endpoint + " " + file + " -> " + status);
                if (!REJECTIONS.contains(status)
                        || type == null || !type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        || r.getResponseBody() == null
                        || !Integer.valueOf(status).equals(r.getResponseBody().get("status"))) {
                    failures.add(endpoint + " " + file + " -> " + status + " " + type + " " + r.getResponseBody());
                }
            }
        }
        report.forEach(line -> System.out.println("[reliability] " + line));
        Map<String, Long> after = stored();
        System.out.println("[reliability] stored before " + before + ", after " + after);
        assertThat(failures).as("answers that are not a 400/413/415/422 problem+json").isEmpty();
        assertThat(after).as("a refused upload stores nothing").isEqualTo(before);
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void polyglotsAreEitherRefusedOrStoredAsTheImageTheyStartWith() throws Exception {
        for (String endpoint : List.of("/api/predictions", "/api/models")) {
            String caller = endpoint.equals("/api/models") ? ADMIN : USER;
            for (Hostile file : HostileFiles.polyglots()) {
                EntityExchangeResult<Map> r = upload(caller, endpoint, file.name(), file.bytes())
                        .expectBody(Map.class).returnResult();
                int status = r.getStatus().value();
                System.out.println("[reliability] " + endpoint + " " + file + " -> " + status);
                assertThat(status).as(endpoint + " " + file).isNotEqualTo(500).isIn(202, 400, 413, 415, 422);
                if (status == 202) {
                    String id = (String) r.getResponseBody().get("imageId");
                    String key = findObject(id);
                    String contentType = minio.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build())
                            .contentType();
                    System.out.println("[reliability]   stored as " + key + " " + contentType);
                    assertThat(contentType).as("a polyglot is served as the image it starts with")
                            .isIn("image/png", "image/jpeg");
                } else {
                    assertThat(r.getResponseHeaders().getContentType())
                            .matches(t -> t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
                }
            }
        }
    }

    private String findObject(String imageId) throws Exception {
        for (Result<Item> item : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            if (item.get().objectName().contains(imageId)) {
                return item.get().objectName();
            }
        }
        throw new AssertionError("no stored object for image " + imageId);
    }

    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void whatWasStoredBeforeTheBarrageIsIntact() {
        Map<String, Object> prediction = as(USER).get().uri("/api/predictions/{id}", predictionId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(prediction).containsEntry("imageId", imageId);
        Map<String, Object> batch = as(USER).get().uri("/api/batches/{id}", batchId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(batch).containsEntry("total", 3);
        List<Map<String, Object>> results = as(USER).get().uri("/api/batches/{id}/results", batchId)
                .accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk().expectBodyList(Map.class).returnResult().getResponseBody()
                .stream().map(m -> (Map<String, Object>) m).toList();
        assertThat(results).hasSize(3);
        System.out.println("[reliability] after the barrage: prediction " + predictionId + " and batch " + batchId
                + " with " + results.size() + " results are intact");
    }

    /** OWASP API1: another user's ids answer exactly like ids that do not exist. */
    @Test
    @Order(4)
    void anotherUserGets404OnEveryIdTakingEndpoint() {
        List<String> checked = new ArrayList<>();
        for (String owner : List.of(USER, OTHER)) {
            // sanity: the owner is not refused (else a 404 would prove nothing)
            if (owner.equals(USER)) {
                as(owner).get().uri("/api/predictions/{id}", predictionId).exchange().expectStatus().isOk();
            }
        }
        notFound(as(OTHER).get().uri("/api/predictions/{id}", predictionId).exchange(), checked,
                "GET /api/predictions/{id}");
        notFound(as(OTHER).get().uri("/api/predictions/{id}?wait=PT1S", predictionId).exchange(), checked,
                "GET /api/predictions/{id}?wait");
        notFound(as(OTHER).post().uri("/api/predictions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("imageId", imageId)).exchange(), checked, "POST /api/predictions {imageId}");
        notFound(as(OTHER).get().uri("/api/batches/{id}", batchId).exchange(), checked, "GET /api/batches/{id}");
        notFound(as(OTHER).get().uri("/api/batches/{id}/results", batchId).accept(MediaType.APPLICATION_JSON)
                .exchange(), checked, "GET /api/batches/{id}/results (json)");
        notFound(as(OTHER).get().uri("/api/batches/{id}/results", batchId).accept(MediaType.parseMediaType("text/csv"))
                .exchange(), checked, "GET /api/batches/{id}/results (csv)");
        notFound(as(OTHER).delete().uri("/api/batches/{id}", batchId).exchange(), checked, "DELETE /api/batches/{id}");
        System.out.println("[reliability] BOLA: " + checked.size() + " endpoints answer 404 to another user: " + checked);
        // the other user's attempts changed nothing
        as(USER).get().uri("/api/batches/{id}", batchId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.total").isEqualTo(3).jsonPath("$.status").value(s ->
                        assertThat(s).isNotEqualTo("CANCELLED"));
    }

    private static void notFound(WebTestClient.ResponseSpec response, List<String> checked, String what) {
        response.expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        checked.add(what);
    }

    /** OWASP API3/6: ids, owners and statuses sent by the client are not taken. */
    @Test
    @Order(5)
    @SuppressWarnings("unchecked")
    void clientSuppliedIdsOwnersAndStatusesAreIgnored() {
        String forgedId = UUID.randomUUID().toString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("imageId", imageId);
        body.put("id", forgedId);
        body.put("userId", OTHER);
        body.put("owner", OTHER);
        body.put("status", "DONE");
        body.put("label", "forged");
        Map<String, Object> accepted = as(USER).post().uri("/api/predictions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) accepted.get("id");
        assertThat(id).isNotEqualTo(forgedId);
        assertThat(accepted.get("status")).isEqualTo("PENDING");
        as(USER).get().uri("/api/predictions/{id}", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.label").doesNotExist();
        as(OTHER).get().uri("/api/predictions/{id}", id).exchange().expectStatus().isNotFound();
        as(USER).get().uri("/api/predictions/{id}", forgedId).exchange().expectStatus().isNotFound();
        System.out.println("[reliability] mass assignment: forged id/userId/owner/status/label ignored; got id " + id);
    }

    /** Fault: S3 down means 503 problem+json for uploads, and they work again once it is back. */
    @Test
    @Order(6)
    void uploadsAnswer503WhileS3IsDownAndSucceedAfter() {
        RealServersExtension.s3().stop();
        System.out.println("[reliability] injected: S3 server stopped");
        try {
            for (int i = 0; i < 3; i++) {
                upload(USER, "/api/predictions", "during-" + i + ".png", TestFiles.png(20, 20, 500 + i))
                        .expectStatus().isEqualTo(503)
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody().jsonPath("$.status").isEqualTo(503)
                        .jsonPath("$.trace").doesNotExist();
            }
            System.out.println("[reliability] checked: 3 uploads during the outage answered 503 problem+json");
        } finally {
            restartS3();
        }
        // the client reconnects on its own: the first upload after the restart already works
        upload(USER, "/api/predictions", "after.png", TestFiles.png(20, 20, 600)).expectStatus().isAccepted();
        System.out.println("[reliability] checked: upload after the outage answered 202");
    }

    /** The stopped server's port can stay briefly held (sockets closing): retry the start for a while. */
    private static void restartS3() {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                RealServersExtension.s3().start();
                System.out.println("[reliability] S3 server restarted");
                return;
            } catch (RuntimeException e) {
                if (!e.getClass().getSimpleName().equals("PortTakenException") || System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("[reliability] S3 port still held, retrying: " + e.getMessage());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
