package dev.aegis.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventTypes;
import dev.aegis.events.PredictionRequested;
import dev.aegis.events.Topics;
import dev.aegis.inference.prediction.PredictionService;
import io.micrometer.core.instrument.MeterRegistry;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import dev.aegis.testsupport.TestFiles;

/**
 * The whole path on real servers (Kafka, S3Proxy, mongo-java-server): API -> S3 + Mongo + Kafka
 * -> worker with the real tiny SavedModel -> result event -> API status. Callers are signed-in
 * users through Spring Security's test support (a JWT with a {@code sub} and realm roles):
 * token validation against Keycloak is service-support's and the gateway's test subject, and a
 * Keycloak start did not fit this module's test-time budget on the shared 2-core machine.
 */
@RealServers({Server.KAFKA, Server.MONGO, Server.S3})
@SpringBootTest(properties = {
        "aegis.inference.batch.max-wait=5ms",
        // the test images are ~1 KB and travel inline; a padded one above this goes through S3
        "aegis.inference.inline-max-size=8KB",
        "aegis.models.refresh-interval=3s",
        "spring.kafka.consumer.properties.session.timeout.ms=10000"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// closes its in-process worker afterwards: WorkerKillIT's worker process must be alone in the group
@DirtiesContext
class PipelineIT {

    private static final Duration LONG = Duration.ofSeconds(120);
    private static final String USER = "user-" + UUID.randomUUID();
    private static final String OTHER = "other-" + UUID.randomUUID();
    private static final String ADMIN = "admin-" + UUID.randomUUID();

    private WebTestClient base;

    @Autowired
    MeterRegistry meters;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    PredictionService predictions;

    @Autowired
    KafkaTemplate<String, CloudEvent<?>> kafka;

    @Autowired
    void bind(ApplicationContext context) {
        base = WebTestClient.bindToApplicationContext(context).apply(springSecurity()).configureClient()
                .responseTimeout(LONG).build();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        registry.add("aegis.models.bootstrap-dir", () -> TinyModel.bootstrapRoot().toString());
        Path cache = Files.createTempDirectory("aegis-model-cache");
        registry.add("aegis.models.cache-dir", cache::toString);
    }

    /** The caller {@code subject}; the admin also has the realm role {@code admin}. */
    private WebTestClient client(String subject) {
        List<String> roles = subject.equals(ADMIN) ? List.of("user", "admin") : List.of("user");
        return base.mutateWith(mockJwt().jwt(j -> j.subject(subject).claim("realm_access", Map.of("roles", roles))));
    }

    private static MultipartBodyBuilder files(Map<String, byte[]> files) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        files.forEach((name, bytes) -> body.part("file", new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        }).contentType(MediaType.APPLICATION_OCTET_STREAM));
        return body;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> submit(String subject, String name, byte[] png) {
        return client(subject).post().uri("/api/predictions").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(files(Map.of(name, png)).build())).exchange()
                .expectStatus().isAccepted()
                .expectHeader().exists(HttpHeaders.LOCATION)
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> await(String subject, String id) {
        return client(subject).get().uri("/api/predictions/{id}?wait=PT60S", id).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void singlePredictionEndToEndWithLongPoll() {
        Map<String, Object> accepted = submit(USER, "bar.png", TinyModel.png(0, 1));
        String id = (String) accepted.get("id");
        assertThat(accepted.get("status")).isEqualTo("PENDING");
        assertThat((String) accepted.get("imageId")).matches("[0-9a-f]{64}");

        // one long-poll call answers once the worker is done; no client-side polling loop
        Map<String, Object> done = await(USER, id);
        assertThat(done.get("status")).isEqualTo("DONE");
        assertThat(TinyModel.LABELS).contains((String) done.get("label"));
        Map<String, Double> probabilities = (Map<String, Double>) done.get("probabilities");
        assertThat(probabilities).containsOnlyKeys(TinyModel.LABELS);
        assertThat(probabilities.values().stream().mapToDouble(Double::doubleValue).sum()).isBetween(0.99, 1.01);
        assertThat(((Number) done.get("confidence")).doubleValue())
                .isEqualTo(probabilities.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        assertThat((Map<String, Object>) done.get("model")).containsEntry("name", "tiny").containsEntry("version", "1");
        assertThat((Map<String, Object>) done.get("detector")).containsKeys("score", "threshold", "flagged");
        assertThat((Map<String, Object>) done.get("timings")).containsKeys("queuedMs", "fetchMs", "inferenceMs", "totalMs");
        // the long-poll may answer from the result event before its write lands: a read right after
        // it must not go back to PENDING
        Map<String, Object> again = client(USER).get().uri("/api/predictions/{id}", id).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(again).containsEntry("status", "DONE").containsEntry("label", done.get("label"))
                .containsEntry("probabilities", done.get("probabilities"));
    }

    @Test
    @Order(6)
    void imagesAboveTheInlineLimitAreFetchedFromObjectStorage() {
        double inlineBefore = images("inline");
        double storageBefore = images("storage");
        Map<String, Object> small = submit(USER, "small.png", TinyModel.png(2, 7));
        // the same picture with 16 KB of text in an ancillary chunk: above the 8 KB inline limit
        Map<String, Object> large = submit(USER, "large.png", padded(TinyModel.png(2, 7), 16 * 1024));

        Map<String, Object> inline = await(USER, (String) small.get("id"));
        Map<String, Object> fetched = await(USER, (String) large.get("id"));
        assertThat(inline.get("status")).isEqualTo("DONE");
        assertThat(fetched.get("status")).isEqualTo("DONE");
        // same pixels by either path: the same answer
        assertThat(fetched.get("probabilities")).isEqualTo(inline.get("probabilities"));
        assertThat(images("inline") - inlineBefore).isEqualTo(1.0);
        assertThat(images("storage") - storageBefore).isEqualTo(1.0);
    }

    @Test
    @Order(7)
    @SuppressWarnings("unchecked")
    void theWorkerSkipsCancelledBatchItemsAndRequestsOfErasedUsers() throws Exception {
        double cancelledBefore = skipped("cancelled");
        double unknownBefore = skipped("unknown");
        String erased = "erased-" + UUID.randomUUID();
        String batchId;
        String goneId;
        // the worker is paused while the states change, so it meets the requests afterwards
        MessageListenerContainer worker = listeners.getListenerContainer("inference-worker");
        worker.stop();
        try {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (int i = 0; i < 5; i++) {
                entries.put("c-" + i + ".png", TinyModel.png(i % 3, 5000 + i));
            }
            batchId = (String) client(USER).post().uri("/api/batches").contentType(MediaType.MULTIPART_FORM_DATA)
                    .body(BodyInserters.fromMultipartData(files(Map.of("c.zip", TestFiles.zip(entries))).build()))
                    .exchange().expectStatus().isAccepted()
                    .expectBody(Map.class).returnResult().getResponseBody().get("id");
            Map<String, Object> cancelled = client(USER).delete().uri("/api/batches/{id}", batchId).exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            assertThat(cancelled).containsEntry("cancelled", 5).containsEntry("pending", 0)
                    .containsEntry("finished", true);
            // a single prediction whose user is erased before a worker takes it
            goneId = (String) submit(erased, "gone.png", TinyModel.png(1, 77)).get("id");
            assertThat(predictions.deleteAll(erased).block()).isEqualTo(1L);
        } finally {
            worker.start();
        }
        long deadline = System.nanoTime() + LONG.toNanos();
        while ((skipped("cancelled") < cancelledBefore + 5 || skipped("unknown") < unknownBefore + 1)
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        // batch items are checked before the model, a single request alone in its poll after it:
        // neither is answered
        assertThat(skipped("cancelled") - cancelledBefore).isEqualTo(5);
        assertThat(skipped("unknown") - unknownBefore).isEqualTo(1);
        assertThat(client(USER).get().uri("/api/batches/{id}", batchId).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody())
                .containsEntry("cancelled", 5).containsEntry("done", 0);
        client(erased).get().uri("/api/predictions/{id}", goneId).exchange().expectStatus().isNotFound();
    }

    @Test
    @Order(8)
    void aBacklogOfRequestsWhoseRecordsAreGoneCostsNoModelCall() throws Exception {
        double unknownBefore = skipped("unknown");
        var sizes = meters.get("aegis.inference.batch.size").summary();
        double imagesBefore = sizes.totalAmount();
        int n = 8;
        // queued while the worker is paused, in one partition: its first poll holds all of them
        MessageListenerContainer worker = listeners.getListenerContainer("inference-worker");
        worker.stop();
        try {
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "gone-" + UUID.randomUUID();
                byte[] png = TinyModel.png(i % 3, 9000 + i);
                sends.add(kafka.send(new ProducerRecord<>(Topics.PREDICTION_REQUESTS, 0, id,
                        CloudEvent.of(java.net.URI.create("urn:aegis:test"), EventTypes.PREDICTION_REQUESTED, id, "erased-" + id, id,
                                new PredictionRequested(id, "sha-" + i, "uploads/erased/" + i, "image/png", null,
                                        "gone.png", png)))));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            worker.start();
        }
        long deadline = System.nanoTime() + LONG.toNanos();
        while (skipped("unknown") < unknownBefore + n && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(skipped("unknown") - unknownBefore).isEqualTo(n);
        // decodable images, yet none reached the model: their states were read before it
        assertThat(sizes.totalAmount()).isEqualTo(imagesBefore);
    }

    private double skipped(String reason) {
        var counter = meters.find("aegis.inference.skipped").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private double images(String source) {
        var counter = meters.find("aegis.inference.images").tag("source", source).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A PNG with a tEXt chunk of {@code bytes} characters inserted after its IHDR chunk. */
    private static byte[] padded(byte[] png, int bytes) {
        // chunk type, keyword "pad", NUL separator, text
        byte[] typeAndData = new byte[4 + 3 + 1 + bytes];
        System.arraycopy("tEXtpad".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, typeAndData, 0, 7);
        java.util.Arrays.fill(typeAndData, 8, typeAndData.length, (byte) 'x');
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(typeAndData);
        int ihdrEnd = 8 + 4 + 4 + 13 + 4;
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(png.length + 4 + typeAndData.length + 4);
        out.put(png, 0, ihdrEnd);
        out.putInt(typeAndData.length - 4);
        out.put(typeAndData);
        out.putInt((int) crc.getValue());
        out.put(png, ihdrEnd, png.length - ihdrEnd);
        return out.array();
    }

    @Test
    @Order(2)
    void identicalBytesReuseTheStoredImageAndOwnersAreChecked() {
        byte[] png = TinyModel.png(1, 2);
        Map<String, Object> first = submit(USER, "a.png", png);
        Map<String, Object> second = submit(USER, "copy-of-a.png", png);
        assertThat(second.get("imageId")).isEqualTo(first.get("imageId"));
        assertThat(second.get("id")).isNotEqualTo(first.get("id"));

        // another user's prediction is indistinguishable from a missing one
        client(OTHER).get().uri("/api/predictions/{id}", first.get("id")).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        client(USER).get().uri("/api/predictions/{id}", UUID.randomUUID()).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        // predicting again from the stored image (JSON body) works for the owner only
        client(USER).post().uri("/api/predictions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("imageId", first.get("imageId"))).exchange().expectStatus().isAccepted();
        client(OTHER).post().uri("/api/predictions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("imageId", first.get("imageId"))).exchange().expectStatus().isNotFound();
        assertThat(await(USER, (String) second.get("id")).get("status")).isEqualTo("DONE");
    }

    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void batchOfFiftyAsZipWithCsvResults() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, String> truth = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            String name = "img-" + i + ".png";
            entries.put(name, TinyModel.png(i % 3, 1000 + i));
            truth.put(name, TinyModel.LABELS.get(i % 3));
        }
        Map<String, Object> accepted = client(USER).post().uri("/api/batches")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(files(Map.of("images.zip", TestFiles.zip(entries))).build()))
                .exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        String batchId = (String) accepted.get("id");
        assertThat(accepted.get("total")).isEqualTo(50);

        Map<String, Object> progress = null;
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            progress = client(USER).get().uri("/api/batches/{id}", batchId).exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            if (Boolean.TRUE.equals(progress.get("finished"))) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(progress).containsEntry("finished", true).containsEntry("done", 50).containsEntry("failed", 0);

        String csv = client(USER).get().uri("/api/batches/{id}/results", batchId)
                .accept(MediaType.parseMediaType("text/csv")).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
                .expectBody(String.class).returnResult().getResponseBody();
        String[] lines = csv.split("\r\n");
        assertThat(lines).hasSize(51);
        assertThat(lines[0]).startsWith("predictionId,fileName,imageId,status,label,confidence");
        int correct = 0;
        Set<String> names = new HashSet<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            names.add(cells[1]);
            assertThat(cells[3]).isEqualTo("DONE");
            if (truth.get(cells[1]).equals(cells[4])) {
                correct++;
            }
        }
        assertThat(names).isEqualTo(truth.keySet());
        // a real (tiny) model on its own kind of images: far better than chance (1/3)
        assertThat(correct).isGreaterThanOrEqualTo(35);

        List<Map<String, Object>> json = client(USER).get().uri("/api/batches/{id}/results", batchId)
                .accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() { })
                .returnResult().getResponseBody();
        assertThat(json).hasSize(50).allSatisfy(r -> assertThat(r.get("status")).isEqualTo("DONE"));

        client(OTHER).get().uri("/api/batches/{id}", batchId).exchange().expectStatus().isNotFound();
        client(OTHER).delete().uri("/api/batches/{id}", batchId).exchange().expectStatus().isNotFound();
    }

    @Test
    @Order(4)
    void poisonMessagesGoToTheDeadLetterTopicWithoutStallingAnyPartition() throws Exception {
        String bootstrap = RealServersExtension.kafka().bootstrapServers();
        String marker = "poison-" + UUID.randomUUID();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        int partitions;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            partitions = producer.partitionsFor(Topics.PREDICTION_REQUESTS).size();
            for (int partition = 0; partition < partitions; partition++) {
                producer.send(new ProducerRecord<>(Topics.PREDICTION_REQUESTS, partition, marker,
                        ("{not json " + marker).getBytes())).get();
            }
        }
        // every partition now starts with a poison record; requests behind them must still complete
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add((String) submit(USER, "after-poison.png", TinyModel.png(i % 3, 5000 + i)).get("id"));
        }
        for (String id : ids) {
            assertThat(await(USER, id).get("status")).isEqualTo("DONE");
        }

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlt-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        int found = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(Topics.deadLetter(Topics.PREDICTION_REQUESTS)));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (found < partitions && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (marker.equals(r.key())) {
                        assertThat(new String(r.value())).isEqualTo("{not json " + marker);
                        assertThat(r.headers().lastHeader("kafka_dlt-exception-message")).isNotNull();
                        found++;
                    }
                }
            }
        }
        assertThat(found).isEqualTo(partitions);
    }

    @Test
    @Order(5)
    @SuppressWarnings("unchecked")
    void activatingANewVersionWhileRequestsFlowDropsNothing() throws Exception {
        client(USER).get().uri("/api/models/versions").exchange().expectStatus().isForbidden();
        client(ADMIN).post().uri("/api/models").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(files(Map.of("tiny-2.zip",
                        TinyModel.zip(TinyModel.version2()))).build()))
                .exchange().expectStatus().isCreated();
        // versions are immutable
        client(ADMIN).post().uri("/api/models").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(files(Map.of("tiny-2.zip",
                        TinyModel.zip(TinyModel.version2()))).build()))
                .exchange().expectStatus().isEqualTo(409);

        Map<String, String> ids = new ConcurrentHashMap<>();
        Thread load = new Thread(() -> {
            for (int i = 0; i < 40; i++) {
                ids.put((String) submit(USER, "flow.png", TinyModel.png(i % 3, 9000 + i)).get("id"), "");
            }
        });
        load.start();
        Thread.sleep(300);
        client(ADMIN).post().uri("/api/models/tiny/2/activate").exchange().expectStatus().isOk();
        load.join();

        Set<String> versions = new HashSet<>();
        for (String id : ids.keySet()) {
            Map<String, Object> r = await(USER, id);
            assertThat(r.get("status")).as("prediction %s", id).isEqualTo("DONE");
            versions.add((String) ((Map<String, Object>) r.get("model")).get("version"));
        }
        assertThat(ids).hasSize(40);
        assertThat(versions).isSubsetOf("1", "2");

        Map<String, Object> active = client(USER).get().uri("/api/models").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(active).containsEntry("version", "2");
        // the swap reaches the worker: a new request is eventually served by version 2
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String version = null;
        while (System.nanoTime() < deadline && !"2".equals(version)) {
            String id = (String) submit(USER, "after.png", TinyModel.png(0, 99_000 + System.nanoTime() % 1000)).get("id");
            version = (String) ((Map<String, Object>) await(USER, id).get("model")).get("version");
        }
        assertThat(version).isEqualTo("2");
    }
}
