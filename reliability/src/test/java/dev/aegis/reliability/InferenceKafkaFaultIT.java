package dev.aegis.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.bson.Document;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.aegis.events.Topics;
import dev.aegis.inference.InferenceApplication;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import dev.aegis.testsupport.TestFiles;

/**
 * Kafka stopped while users upload, then started again (same port, same data). Every upload
 * answers either 202, and then its request event is on the topic exactly once, or 503
 * problem+json, and then its record says FAILED instead of staying PENDING forever: nothing is
 * silently lost and nothing is queued twice. Slow (a broker restart), so in -Pfaults only.
 */
@RealServers({Server.KAFKA, Server.MONGO, Server.S3})
@SpringBootTest(classes = InferenceApplication.class, properties = {
        "spring.profiles.active=api",
        // bound the outage's effect on one request: the broker restart takes a minute or more here
        "spring.kafka.producer.properties.delivery.timeout.ms=60000",
        "spring.kafka.producer.properties.request.timeout.ms=15000",
        "spring.kafka.producer.properties.max.block.ms=30000"})
class InferenceKafkaFaultIT {

    private static final String USER = "kafka-fault-" + UUID.randomUUID();

    @Autowired
    ApplicationContext context;
    @Autowired
    ReactiveMongoTemplate mongo;

    private WebTestClient client() {
        return WebTestClient.bindToApplicationContext(context).apply(springSecurity()).configureClient()
                .responseTimeout(Duration.ofSeconds(150)).build()
                .mutateWith(mockJwt().jwt(j -> j.subject(USER).claim("realm_access", Map.of("roles", List.of("user")))));
    }

    private EntityExchangeResult<Map> upload(int seed) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("file", new ByteArrayResource(TestFiles.png(20, 20, seed)) {
            @Override
            public String getFilename() {
                return "img-" + seed + ".png";
            }
        }).contentType(MediaType.IMAGE_PNG);
        return client().post().uri("/api/predictions").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange()
                .expectBody(Map.class).returnResult();
    }

    @Test
    @SuppressWarnings("unchecked")
    void uploadsDuringAKafkaOutageAreQueuedOnceOrFailVisibly() throws Exception {
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            EntityExchangeResult<Map> r = upload(1000 + i);
            assertThat(r.getStatus().value()).isEqualTo(202);
            accepted.add((String) r.getResponseBody().get("id"));
        }
        RealServersExtension.kafka().stop();
        System.out.println("[reliability] injected: Kafka broker stopped after 5 accepted uploads");
        List<CompletableFuture<EntityExchangeResult<Map>>> during = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int seed = 2000 + i;
            during.add(CompletableFuture.supplyAsync(() -> upload(seed)));
        }
        Thread.sleep(5000);
        Restarts.start(RealServersExtension.kafka(), "kafka");
        List<String> failed = new ArrayList<>();
        for (CompletableFuture<EntityExchangeResult<Map>> f : during) {
            EntityExchangeResult<Map> r = f.get();
            int status = r.getStatus().value();
            assertThat(status).as("answer during the outage").isIn(202, 503);
            if (status == 202) {
                accepted.add((String) r.getResponseBody().get("id"));
            } else {
                assertThat(r.getResponseHeaders().getContentType())
                        .matches(t -> t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
                failed.add("503");
            }
        }
        for (int i = 0; i < 5; i++) {
            EntityExchangeResult<Map> r = upload(3000 + i);
            assertThat(r.getStatus().value()).as("upload after the restart").isEqualTo(202);
            accepted.add((String) r.getResponseBody().get("id"));
        }

        Map<String, Integer> onTopic = countRequestEvents();
        for (String id : accepted) {
            assertThat(onTopic.getOrDefault(id, 0)).as("request events for accepted prediction " + id).isEqualTo(1);
        }
        for (Map.Entry<String, Integer> e : onTopic.entrySet()) {
            assertThat(e.getValue()).as("events for " + e.getKey()).isEqualTo(1);
        }
        // a 503 must not leave a PENDING record behind that no worker will ever be asked about
        List<Document> records = mongo.find(Query.query(Criteria.where("userId").is(USER)), Document.class,
                "predictions").collectList().block();
        long pendingWithoutEvent = records.stream()
                .filter(d -> "PENDING".equals(d.getString("status")) && !onTopic.containsKey(d.getString("_id")))
                .count();
        long failedRecords = records.stream().filter(d -> "FAILED".equals(d.getString("status"))).count();
        assertThat(pendingWithoutEvent).as("PENDING records whose request never reached Kafka").isZero();
        assertThat(failedRecords).as("FAILED records (one per 503)").isEqualTo(failed.size());
        System.out.println("[reliability] checked: " + accepted.size() + " accepted uploads each queued exactly once ("
                + onTopic.size() + " request events on the topic), " + failed.size()
                + " answered 503 problem+json during the outage and are FAILED, " + records.size()
                + " records, none PENDING without its event");
    }

    private static Map<String, Integer> countRequestEvents() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealServersExtension.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PREDICTION_REQUESTS, Duration.ofSeconds(60))
                    .stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    counts.merge(r.key(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }
}
