package dev.aegis.history.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import org.bson.Document;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import dev.aegis.events.EventIds;
import dev.aegis.localstack.Dist;
import dev.aegis.localstack.MongoServer;
import dev.aegis.localstack.Ports;
import dev.aegis.localstack.StackPaths;
import dev.aegis.support.ids.TimeOrderedIdGenerator;
import reactor.core.publisher.Mono;

/**
 * What the kind of record id costs the local MongoDB server: the writes of one pipeline image
 * (the prediction inserted PENDING, updated DONE under a condition, its history record inserted
 * with a unique event id), 32 at a time as the worker's batches make them, on a fresh server per
 * kind of id. Prints the server's CPU per record (all its threads, from {@code /proc}, the
 * background writer included: each phase ends with 3 s idle), records/s, and the file's size.
 * <pre>
 * ./mvnw -q -pl history-service test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath dev.aegis.history.bench.RecordIdWriteBenchmark 200 4 2"
 * </pre>
 * Arguments: rounds of 32 per phase, phases, repetitions of the whole comparison.
 */
public final class RecordIdWriteBenchmark {

    private static final int PER_ROUND = 32;
    private static final String PAD = "x".repeat(600);

    private record Kind(String name, Supplier<String> recordIds, Function<String, String> eventIds) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int phases = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        // the driver's connection notices would bury the figures
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path root = Path.of(System.getProperty("aegis.root", "..")).toAbsolutePath().normalize();
        new Dist(root).ensureInstalled(System.out::println);
        TimeOrderedIdGenerator ordered = new TimeOrderedIdGenerator();
        Function<String, String> nameBased = id -> UUID.nameUUIDFromBytes(
                ("aegis.prediction.result:" + id).getBytes(StandardCharsets.UTF_8)).toString();
        List<Kind> kinds = List.of(
                new Kind("random ids (v4), name-based event ids", () -> UUID.randomUUID().toString(), nameBased),
                new Kind("time-ordered ids (v7), name-based event ids", () -> ordered.generateId().toString(), nameBased),
                new Kind("time-ordered ids (v7), EventIds.derived", () -> ordered.generateId().toString(),
                        id -> EventIds.derived("aegis.prediction.result", id)));
        for (int repetition = 1; repetition <= repetitions; repetition++) {
            for (Kind kind : kinds) {
                run(root, kind, rounds, phases, repetition);
            }
        }
    }

    private static void run(Path root, Kind kind, int rounds, int phases, int repetition) throws Exception {
        Path state = Files.createTempDirectory("aegis-record-ids");
        MongoServer server = new MongoServer(StackPaths.of(root, state), Ports.freePort(), false);
        server.start();
        try {
            server.awaitHealthy(line -> { });
            long pid = server.pid().orElseThrow();
            try (MongoClient client = MongoClients.create(server.uri())) {
                MongoCollection<Document> predictions = client.getDatabase("load").getCollection("predictions");
                MongoCollection<Document> history = client.getDatabase("load").getCollection("history");
                block(history.createIndex(Indexes.ascending("eventId"), new IndexOptions().unique(true)));
                Random random = new Random(1);
                for (int phase = 1; phase <= phases; phase++) {
                    long cpu = cpuTicks(pid);
                    long start = System.nanoTime();
                    for (int round = 0; round < rounds; round++) {
                        writeRound(predictions, history, kind, random);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Thread.sleep(3_000);
                    int records = rounds * PER_ROUND;
                    System.out.printf("%d. %s, phase %d: %d records, server CPU %.3f ms per record, %.0f records/s%n",
                            repetition, kind.name(), phase, records, (cpuTicks(pid) - cpu) * 10.0 / records,
                            records / seconds);
                }
            }
        } finally {
            server.stop();
        }
        Path file = state.resolve("mongo").resolve("data").resolve("aegis.mv");
        System.out.printf("%d. %s: file %.0f MB%n", repetition, kind.name(), Files.size(file) / 1e6);
        try (var paths = Files.walk(state)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void writeRound(MongoCollection<Document> predictions, MongoCollection<Document> history,
                                   Kind kind, Random random) {
        List<Document> pending = new ArrayList<>(PER_ROUND);
        for (int i = 0; i < PER_ROUND; i++) {
            pending.add(new Document("_id", kind.recordIds().get()).append("userId", "user-" + random.nextInt(5))
                    .append("status", "PENDING").append("fileName", PAD).append("createdAt", new Date()));
        }
        block(predictions.insertMany(pending));
        List<WriteModel<Document>> done = new ArrayList<>(PER_ROUND);
        for (Document d : pending) {
            done.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", d.get("_id")), Filters.eq("status", "PENDING")),
                    Updates.combine(Updates.set("status", "DONE"), Updates.set("label", "Car"),
                            Updates.set("probabilities", List.of(0.1, 0.2, 0.7)))));
        }
        block(predictions.bulkWrite(done));
        List<Document> records = new ArrayList<>(PER_ROUND);
        for (Document d : pending) {
            String id = d.getString("_id");
            records.add(new Document("_id", id).append("eventId", kind.eventIds().apply(id))
                    .append("userId", d.get("userId")).append("fileName", PAD).append("label", "Car"));
        }
        block(history.insertMany(records, new InsertManyOptions().ordered(false)));
    }

    private static void block(org.reactivestreams.Publisher<?> publisher) {
        Mono.from(publisher).block(java.time.Duration.ofMinutes(1));
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private RecordIdWriteBenchmark() {
    }
}
