package dev.aegis.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.aegis.events.Topics;
import dev.aegis.inference.prediction.PredictionDocument;
import dev.aegis.inference.prediction.PredictionStatus;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import dev.aegis.testsupport.TestFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 4 (redelivery after a worker is killed mid-batch) and issue 10 (kill -9 an inference
 * worker in the middle of a 200-image batch, restart it: every image gets exactly one result
 * record). The API role runs in this JVM; the worker role is the runnable jar
 * ({@code target/inference-service-*-exec.jar}, profile {@code worker}) as its own OS process,
 * killed with SIGKILL ({@link Process#destroyForcibly()}) once some of the batch's results were
 * published, then started again. Checked on the result topic (every record, read back from
 * offset 0) and in the API's records: every image has results with exactly one distinct result
 * event id (a redelivered request yields the same id), every image is DONE exactly once, none
 * is missing.
 */
@RealServers({Server.KAFKA, Server.MONGO, Server.S3})
@SpringBootTest(properties = {
        // this JVM is the API role only: the worker is the separate process under test
        "spring.profiles.active=api"})
@DirtiesContext
class WorkerKillIT {

    private static final int IMAGES = 200;
    /** Results seen before the kill: enough that some polls were committed, far from all of them. */
    private static final int KILL_AFTER = 24;
    private static final Duration LONG = Duration.ofSeconds(150);
    private static final String USER = "kill-" + UUID.randomUUID();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Path modelCache;

    private WebTestClient client;
    private final List<Process> workers = new ArrayList<>();

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Autowired
    void bind(ApplicationContext context) {
        client = WebTestClient.bindToApplicationContext(context).apply(springSecurity()).configureClient()
                .responseTimeout(LONG).build()
                .mutateWith(mockJwt().jwt(j -> j.subject(USER).claim("realm_access", Map.of("roles", List.of("user")))));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        // the in-process API role needs no model; the worker processes get their own caches
        modelCache = Files.createTempDirectory("aegis-kill-model-cache");
    }

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (Process p : workers) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyImageGetsExactlyOneResultAfterTheWorkerIsKilledMidBatch() throws Exception {
        // 1. the batch is queued before any worker runs, so the first worker meets all 200 at once
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < IMAGES; i++) {
            entries.put("img-" + i + ".png", TinyModel.png(i % 3, 70_000 + i));
        }
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("file", new ByteArrayResource(TestFiles.zip(entries)) {
            @Override
            public String getFilename() {
                return "kill.zip";
            }
        }).contentType(MediaType.APPLICATION_OCTET_STREAM);
        Map<String, Object> accepted = client.post().uri("/api/batches").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange()
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        String batchId = (String) accepted.get("id");
        Set<String> ids = new TreeSet<>();
        for (Map<String, Object> p : results(batchId)) {
            ids.add((String) p.get("id"));
        }
        assertThat(ids).hasSize(IMAGES);

        try (KafkaConsumer<String, String> results = resultConsumer()) {
            Map<String, List<String>> eventIds = new HashMap<>();

            // 2. first worker: SIGKILL once some results were published, long before the batch is done
            Process first = startWorker("first");
            long deadline = System.nanoTime() + LONG.toNanos();
            while (distinct(eventIds) < KILL_AFTER && first.isAlive() && System.nanoTime() < deadline) {
                read(results, ids, eventIds, Duration.ofMillis(20));
            }
            assertThat(first.isAlive()).as("the first worker runs until it is killed (see target/worker-first.log)").isTrue();
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // what reached the topic before the process died
            drain(results, ids, eventIds);
            int beforeKill = distinct(eventIds);
            int recordsBeforeKill = records(eventIds);
            System.out.printf("[reliability] injected: kill -9 of worker pid %d (exit %d) after %d of %d images had a result"
                    + " (%d result records)%n", first.pid(), first.exitValue(), beforeKill, IMAGES, recordsBeforeKill);
            assertThat(beforeKill).as("killed mid-batch").isGreaterThanOrEqualTo(KILL_AFTER).isLessThan(IMAGES);

            // 3. a new worker process in the same consumer group takes over the uncommitted requests
            startWorker("second");
            Map<String, Object> progress = null;
            deadline = System.nanoTime() + LONG.toNanos();
            while (System.nanoTime() < deadline) {
                progress = client.get().uri("/api/batches/{id}", batchId).exchange()
                        .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
                if (Boolean.TRUE.equals(progress.get("finished"))) {
                    break;
                }
                read(results, ids, eventIds, Duration.ofMillis(500));
            }
            drain(results, ids, eventIds);

            // 4. counts: no image lost, none with two different result ids, every record applied once
            int recordsTotal = records(eventIds);
            long distinctPerImage = eventIds.values().stream().map(l -> new TreeSet<>(l).size()).filter(n -> n == 1).count();
            long redelivered = eventIds.values().stream().filter(l -> l.size() > 1).count();
            List<PredictionDocument> docs = mongo.find(Query.query(Criteria.where("batchId").is(batchId)),
                    PredictionDocument.class).collectList().block(Duration.ofSeconds(30));
            long doneWithTheirEventId = docs.stream().filter(d -> d.status() == PredictionStatus.DONE
                    && d.resultEventId() != null && eventIds.containsKey(d.id())
                    && Set.of(d.resultEventId()).equals(new TreeSet<>(eventIds.get(d.id()))))
                    .count();
            System.out.printf("[reliability] checked: batch progress %s; result records %d for %d images"
                            + " (%d images had their result published twice: redelivered and deduplicated by event id);"
                            + " images with exactly one distinct result id %d/%d; prediction records %d,"
                            + " DONE with that result id %d%n",
                    progress, recordsTotal, eventIds.size(), redelivered, distinctPerImage, IMAGES, docs.size(),
                    doneWithTheirEventId);

            assertThat(progress).containsEntry("finished", true).containsEntry("total", IMAGES)
                    .containsEntry("done", IMAGES).containsEntry("failed", 0);
            assertThat(eventIds.keySet()).as("every image has a result event").isEqualTo(ids);
            assertThat(distinctPerImage).as("one distinct result id per image").isEqualTo(IMAGES);
            assertThat(docs).hasSize(IMAGES);
            assertThat(doneWithTheirEventId).as("each record DONE with the id of its result event").isEqualTo(IMAGES);
            List<Map<String, Object>> listed = results(batchId);
            assertThat(listed).hasSize(IMAGES).allSatisfy(r -> assertThat(r.get("status")).isEqualTo("DONE"));
            assertThat(listed.stream().map(r -> r.get("id")).distinct().count()).isEqualTo(IMAGES);
        }
    }

    private List<Map<String, Object>> results(String batchId) {
        return client.get().uri("/api/batches/{id}/results", batchId).accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk().expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() { })
                .returnResult().getResponseBody();
    }

    /** The worker role as its own JVM, from the runnable jar, on this test's servers. */
    private Process startWorker(String name) throws IOException {
        Path jar = execJar();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(),
                "--spring.profiles.active=worker",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + RealServersExtension.kafka().bootstrapServers(),
                "--spring.mongodb.uri=" + RealServersExtension.mongo().uri(),
                "--aegis.storage.endpoint=" + RealServersExtension.s3().endpoint(),
                "--aegis.storage.access-key=" + RealServersExtension.s3().accessKey(),
                "--aegis.storage.secret-key=" + RealServersExtension.s3().secretKey(),
                "--aegis.storage.bucket=" + RealServersExtension.s3().bucket(),
                "--aegis.storage.region=" + RealServersExtension.s3().region(),
                "--aegis.models.bootstrap-dir=" + TinyModel.bootstrapRoot(),
                "--aegis.models.cache-dir=" + modelCache.resolve(name),
                // small polls: the kill lands between committed polls, inside one poll, or between
                // a poll's published results and its commit (the redelivery case)
                "--aegis.inference.batch.max-size=8",
                "--aegis.inference.batch.max-wait=5ms",
                // the killed consumers never leave the group: the broker drops them after this
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                "--logging.level.root=WARN",
                "--logging.level.dev.aegis=INFO"));
        File log = Path.of("target", "worker-" + name + ".log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log)).start();
        workers.add(process);
        System.out.printf("[reliability] started worker '%s' pid %d (log %s)%n", name, process.pid(), log);
        return process;
    }

    private static Path execJar() throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "inference-service-*-exec.jar")) {
            for (Path jar : jars) {
                return jar.toAbsolutePath();
            }
        }
        throw new IllegalStateException("no target/inference-service-*-exec.jar: run the module's package phase first");
    }

    private static KafkaConsumer<String, String> resultConsumer() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealServersExtension.kafka().bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c);
        // every record of the topic from offset 0, no group: duplicates must be seen, not skipped
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.PREDICTION_RESULTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void read(KafkaConsumer<String, String> consumer, Set<String> ids, Map<String, List<String>> eventIds,
                             Duration timeout) {
        for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue;
            }
            JsonNode event = JSON.readTree(r.value());
            String predictionId = event.path("data").path("predictionId").asString();
            if (ids.contains(predictionId)) {
                eventIds.computeIfAbsent(predictionId, k -> new ArrayList<>()).add(event.path("id").asString());
            }
        }
    }

    /** Reads up to the current end of every partition. */
    private static void drain(KafkaConsumer<String, String> consumer, Set<String> ids, Map<String, List<String>> eventIds) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline
                && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            read(consumer, ids, eventIds, Duration.ofMillis(200));
        }
    }

    private static int distinct(Map<String, List<String>> eventIds) {
        return eventIds.size();
    }

    private static int records(Map<String, List<String>> eventIds) {
        return eventIds.values().stream().mapToInt(List::size).sum();
    }
}
