package dev.aegis.history.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;


import dev.aegis.events.CloudEvent;
import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventTypes;
import dev.aegis.events.ModelRef;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.events.Topics;
import dev.aegis.history.HistoryApplication;
import dev.aegis.history.TestIdentity;
import dev.aegis.history.records.HistoryRecord;
import dev.aegis.history.records.HistoryStore;
import dev.aegis.history.records.RecordKind;
import dev.aegis.testsupport.RealServersExtension;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Ingest rate and page-query latency at N records of one user, on the real local servers
 * (Kafka broker and mongo-java-server as processes) and the whole service over HTTP with a signed
 * token. Not part of the build; run:
 * <pre>
 * ./mvnw -q -pl history-service test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.aegis.history.bench.HistoryBenchmark 100000 10000 50"
 * </pre>
 * Arguments: records of the user (default 100000), how many of them go through Kafka and the
 * consumer for the ingest rate (default 10000; the others are bulk-inserted first, so the ingest
 * runs against a collection that already holds them), HTTP queries per measurement (default 50).
 * Prints figures; asserts nothing.
 */
public final class HistoryBenchmark {

    private static final String[] LABELS = {"Bike", "Car", "Ship"};
    private static final int PRELOAD_BATCH = 5_000;

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int ingested = Math.min(records, args.length > 1 ? Integer.parseInt(args[1]) : 10_000);
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        System.setProperty("aegis.it.identity", "local");
        RealServersExtension.kafka();
        RealServersExtension.mongo();
        TestIdentity.init();
        TestIdentity.User user = TestIdentity.newUser("bench");
        System.out.println("MongoDB: " + System.getProperty("spring.mongodb.uri")
                + " = mongo-java-server, H2 file backend (SnapshotH2Backend), as started by test-support / ./aegis up");

        ConfigurableApplicationContext app = new SpringApplicationBuilder(HistoryApplication.class)
                .run("--server.port=0", "--spring.kafka.listener.auto-startup=false", "--logging.level.root=WARN",
                        "--spring.main.banner-mode=off");
        try {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            Random random = new Random(42);
            long preloadStart = System.nanoTime();
            preload(app.getBean(HistoryStore.class), user.id(), records - ingested, random);
            System.out.printf("preloaded %d records straight into MongoDB in %.1f s%n", records - ingested,
                    (System.nanoTime() - preloadStart) / 1e9);
            long produceStart = System.nanoTime();
            produce(user.id(), ingested, random);
            System.out.printf("produced %d result events in %.1f s%n", ingested, (System.nanoTime() - produceStart) / 1e9);

            MeterRegistry meters = app.getBean(MeterRegistry.class);
            long start = System.nanoTime();
            app.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("history-results").start();
            double stored;
            do {
                Thread.sleep(200);
                stored = meters.find("history.records.stored").counters().stream().mapToDouble(c -> c.count()).sum();
            } while (stored < ingested);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("ingest through Kafka: %d records in %.1f s = %.0f records/s (one batch consumer, one acknowledged "
                    + "unordered insertMany per poll, collection at %d..%d records)%n", ingested, seconds, ingested / seconds,
                    records - ingested, records);

            HttpClient http = HttpClient.newHttpClient();
            measure(http, port, user, "page of 20, newest first", "/api/history?size=20", queries);
            measure(http, port, user, "page of 20, label=Car", "/api/history?size=20&label=Car", queries);
            measure(http, port, user, "page of 100, kind=PREDICTION, last 7 days",
                    "/api/history?size=100&kind=PREDICTION&from=" + Instant.now().minus(Duration.ofDays(7)), queries);
            measure(http, port, user, "stats (per label, per day)", "/api/history/stats", Math.max(5, queries / 4));
        } finally {
            app.close();
        }
        System.exit(0);
    }

    /** The bulk of the records, written directly so the query measurement happens at the full size. */
    private static void preload(HistoryStore store, String userId, int count, Random random) {
        Instant now = Instant.now();
        List<HistoryRecord> chunk = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            String label = LABELS[random.nextInt(LABELS.length)];
            boolean flagged = random.nextDouble() < 0.05;
            String batch = random.nextDouble() < 0.2 ? "batch-" + (i / 50) : null;
            Instant time = now.minusSeconds((long) (random.nextDouble() * 30 * 86_400));
            chunk.add(new HistoryRecord(id, "evt-" + id, userId, batch == null ? RecordKind.PREDICTION : RecordKind.BATCH_ITEM,
                    "DONE", "corr-" + id, "img-" + id, "uploads/" + userId + "/img-" + id, "photo-" + i + ".jpg",
                    new HistoryRecord.Model("demo", "1"), label, 0.9,
                    List.of(new HistoryRecord.LabelProbability(label, 0.9)),
                    new HistoryRecord.Detector(flagged ? 0.9 : 0.1, 0.5, flagged), null, batch, null, time,
                    time.atOffset(ZoneOffset.UTC).toLocalDate().toString(), now));
            if (chunk.size() == PRELOAD_BATCH || i == count - 1) {
                // the consumer's own batch write: one unordered driver insertMany per chunk
                store.insertAllIfAbsent(chunk).block();
                chunk = new ArrayList<>();
            }
        }
    }

    private static void produce(String userId, int count, Random random) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.kafka.bootstrap-servers"));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        EventCodec codec = new EventCodec();
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                String label = LABELS[random.nextInt(LABELS.length)];
                double confidence = 0.34 + random.nextDouble() * 0.66;
                double rest = (1 - confidence) / 2;
                Map<String, Double> probabilities = new java.util.HashMap<>();
                for (String l : LABELS) {
                    probabilities.put(l, l.equals(label) ? confidence : rest);
                }
                boolean flagged = random.nextDouble() < 0.05;
                PredictionCompleted data = new PredictionCompleted(id, "img-" + id, "uploads/" + userId + "/img-" + id,
                        random.nextDouble() < 0.2 ? "batch-" + (i / 50) : null, "photo-" + i + ".jpg",
                        PredictionCompleted.Status.DONE, label, confidence, probabilities, new ModelRef("demo", "1"),
                        new DetectorVerdict(flagged ? 0.9 : 0.1, 0.5, flagged), null, null);
                // spread over 30 days so date filters and per-day statistics have work to do
                Instant time = now.minusSeconds((long) (random.nextDouble() * 30 * 86_400));
                CloudEvent<PredictionCompleted> event = new CloudEvent<>(CloudEvent.SPEC_VERSION, "evt-" + id,
                        URI.create("urn:bench"), EventTypes.PREDICTION_COMPLETED, id, time, "application/json", userId,
                        "corr-" + id, data);
                producer.send(new ProducerRecord<>(Topics.PREDICTION_RESULTS, id, codec.write(event)));
            }
            producer.flush();
        }
    }

    /**
     * Times n requests after a short warm-up and prints the 1-minute load average at the end. A
     * failed request is counted and reported, not timed (before SnapshotH2Backend the local
     * server's H2 store failed every full scan at 100k records with "Chunk ... not found").
     */
    private static void measure(HttpClient http, int port, TestIdentity.User user, String name, String path, int n)
            throws Exception {
        // a fresh token per request: the preload alone can outlast a token's 10 minutes
        java.util.function.Supplier<HttpRequest> requests = () -> HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TestIdentity.freshToken(user)).GET().build();
        int warmup = Math.max(2, n / 10);
        int failed = 0;
        for (int i = 0; i < warmup; i++) {
            if (!ok(http.send(requests.get(), HttpResponse.BodyHandlers.ofString()))) {
                failed++;
            }
        }
        long[] nanos = new long[n];
        int timed = 0;
        for (int i = 0; i < n; i++) {
            HttpRequest request = requests.get();
            long t0 = System.nanoTime();
            if (ok(http.send(request, HttpResponse.BodyHandlers.ofString()))) {
                nanos[timed++] = System.nanoTime() - t0;
            } else {
                failed++;
            }
        }
        long[] t = Arrays.copyOf(nanos, timed);
        Arrays.sort(t);
        if (timed == 0) {
            System.out.printf("%-45s every request failed (%d)%n", name, failed);
            return;
        }
        System.out.printf("%-45s n=%d  p50=%.1f ms  p95=%.1f ms  p99=%.1f ms  max=%.1f ms  failed=%d  load=%.1f%n", name, timed,
                t[timed / 2] / 1e6, t[(int) Math.ceil(timed * 0.95) - 1] / 1e6, t[(int) Math.ceil(timed * 0.99) - 1] / 1e6,
                t[timed - 1] / 1e6, failed, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static boolean ok(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            System.out.println("HTTP " + response.statusCode() + ": " + response.body());
            return false;
        }
        return true;
    }

}
