package dev.aegis.history.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import dev.aegis.localstack.Dist;
import dev.aegis.localstack.MongoServer;
import dev.aegis.localstack.Ports;
import dev.aegis.localstack.StackPaths;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the local MongoDB-protocol server stores (deploy/local/dist/mongo: documents as BSON,
 * unique-index keys compared without Java serialization), read back after a restart of the real
 * process, and a file written by mongo-java-server's own backend (the format of every local
 * stack before) opened by the current one.
 */
class LocalMongoStorageTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path state;

    @Test
    void documentsAndUniqueIndexesSurviveARestart() {
        MongoServer server = start();
        Map<String, Document> written;
        try (MongoClient client = client(server.port())) {
            MongoCollection<Document> c = records(client);
            written = write(c, 3_000);
            assertDuplicatesRefused(c, written.get("r00042"));
        } finally {
            server.stop();
        }

        server = start();
        try (MongoClient client = client(server.port())) {
            MongoCollection<Document> c = records(client);
            assertThat(byId(c)).as("every document as written").isEqualTo(written);
            assertDuplicatesRefused(c, written.get("r02999"));
            List<String> some = IntStream.range(0, 50).mapToObj(i -> String.format("r%05d", i * 37)).toList();
            assertThat(Flux.from(c.find(Filters.in("_id", some))).map(d -> d.getString("_id")).collectList().block(WAIT))
                    .containsExactlyInAnyOrderElementsOf(some);
            // a removed key is free again
            Mono.from(c.deleteOne(Filters.eq("_id", "r00007"))).block(WAIT);
            Mono.from(c.insertOne(written.get("r00007"))).block(WAIT);
            assertThat(Mono.from(c.countDocuments()).block(WAIT)).isEqualTo(written.size());
            // a dropped unique index refuses nothing more
            Mono.from(c.dropIndex("owner_1_n_1")).block(WAIT);
            Mono.from(c.insertOne(new Document(written.get("r00008")).append("_id", "again").append("eventId", "again")))
                    .block(WAIT);
            assertThat(Mono.from(c.countDocuments(Filters.eq("n", 8))).block(WAIT)).isEqualTo(2);
        } finally {
            server.stop();
        }
    }

    /**
     * Before, the server stored documents and index keys with Java serialization and kept the
     * unique indexes in maps of other names; the current one reads those documents as they are
     * and rebuilds the unique indexes from them when it opens the file.
     */
    @Test
    void aFileWrittenByTheStockBackendOpensWithItsDocumentsAndItsUniqueness() throws Exception {
        Map<String, Document> written;
        int port = Ports.freePort();
        Process stock = startStock(port);
        try (MongoClient client = client(port)) {
            written = write(records(client), 500);
        } finally {
            stop(stock);
        }

        for (int restart = 0; restart < 2; restart++) {
            MongoServer server = start();
            try (MongoClient client = client(server.port())) {
                MongoCollection<Document> c = records(client);
                assertThat(byId(c)).as("after %d restarts", restart).isEqualTo(written);
                assertDuplicatesRefused(c, written.get("r00123"));
                if (restart == 0) {
                    // written in the new format, beside the stock pages
                    Document more = numbered(501).get(500);
                    Mono.from(c.insertOne(more)).block(WAIT);
                    written.put(more.getString("_id"), more);
                }
            } finally {
                server.stop();
            }
        }
    }

    private MongoServer start() {
        Path root = root();
        new Dist(root).ensureInstalled(line -> { });
        MongoServer server = new MongoServer(StackPaths.of(root, state), Ports.freePort(), false);
        server.start();
        server.awaitHealthy(line -> { });
        return server;
    }

    /** mongo-java-server's own H2 backend on the file the current server opens. */
    private Process startStock(int port) throws Exception {
        Path root = root();
        new Dist(root).ensureInstalled(line -> { });
        Path file = state.resolve("mongo").resolve("data").resolve("aegis.mv");
        Files.createDirectories(file.getParent());
        Path source = Path.of(LocalMongoStorageTest.class.getResource("/local-mongo/StockH2Server.java").toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp",
                root.resolve(".aegis/dist/mongo/lib").toAbsolutePath() + "/*", source.toString(),
                String.valueOf(port), file.toString())
                .redirectErrorStream(true).redirectOutput(state.resolve("stock.log").toFile()).start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Ports.isOpen(port)) {
            assertThat(process.isAlive()).as("stock server running; its log: %s", log()).isTrue();
            assertThat(System.nanoTime()).as("stock server listening in time").isLessThan(deadline);
            Thread.sleep(100);
        }
        return process;
    }

    private String log() {
        try {
            return Files.readString(state.resolve("stock.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stock server stopped").isTrue();
    }

    private static Path root() {
        return Path.of(System.getProperty("aegis.root", "..")).toAbsolutePath().normalize();
    }

    private static MongoClient client(int port) {
        return MongoClients.create("mongodb://127.0.0.1:" + port + "/?uuidRepresentation=standard");
    }

    private static MongoCollection<Document> records(MongoClient client) {
        return client.getDatabase("storage").getCollection("records");
    }

    /** The unique indexes, then {@link #allTypes()} and {@code count} numbered records in random order. */
    private static Map<String, Document> write(MongoCollection<Document> c, int count) {
        createIndexes(c);
        Map<String, Document> written = new LinkedHashMap<>();
        written.put("all-types", allTypes());
        for (Document d : numbered(count)) {
            written.put(d.getString("_id"), d);
        }
        insertShuffled(c, written.values());
        return written;
    }

    private static void createIndexes(MongoCollection<Document> c) {
        Mono.from(c.createIndex(Indexes.ascending("eventId"), new IndexOptions().unique(true))).block(WAIT);
        Mono.from(c.createIndex(Indexes.ascending("owner", "n"), new IndexOptions().unique(true))).block(WAIT);
    }

    private static List<Document> numbered(int count) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            docs.add(new Document("_id", String.format("r%05d", i)).append("eventId", UUID.randomUUID().toString())
                    .append("owner", i % 2 == 0 ? "a" : "b").append("n", i)
                    .append("probabilities", new Document("bike", 0.25).append("car", 0.5).append("ship", 0.25))
                    .append("at", new Date(1_790_000_000_000L + i)));
        }
        return docs;
    }

    /** One value of each type the services store, nested too. */
    private static Document allTypes() {
        return new Document("_id", "all-types").append("eventId", "e-all").append("owner", "c").append("n", -1)
                .append("text", "héllo ✓").append("long", 1L << 40).append("double", 3.25).append("flag", true)
                .append("nothing", null).append("date", new Date(1_790_000_000_123L))
                .append("oid", new ObjectId("5f1d7f0c2b3a4c5d6e7f8091"))
                .append("uuid", UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"))
                .append("bytes", new Binary(new byte[] {1, 2, 3})).append("decimal", new Decimal128(new BigDecimal("1.5")))
                .append("list", List.of(1, "two", new Document("three", 3), List.of()))
                .append("nested", new Document("a", new Document("b", List.of(new Document("c", 2L)))));
    }

    private static void insertShuffled(MongoCollection<Document> c, java.util.Collection<Document> docs) {
        List<Document> shuffled = new ArrayList<>(docs);
        Collections.shuffle(shuffled, new Random(7));
        for (int i = 0; i < shuffled.size(); i += 32) {
            Mono.from(c.insertMany(shuffled.subList(i, Math.min(shuffled.size(), i + 32)))).block(WAIT);
        }
    }

    private static Map<String, Document> byId(MongoCollection<Document> c) {
        return Flux.from(c.find()).collectMap(d -> d.getString("_id")).block(WAIT);
    }

    /** The same _id, the same eventId, the same (owner, n): each refused, and nothing changed. */
    private static void assertDuplicatesRefused(MongoCollection<Document> c, Document existing) {
        long count = Mono.from(c.countDocuments()).block(WAIT);
        Document sameId = new Document(existing).append("eventId", "other").append("n", -100);
        Document sameEvent = new Document(existing).append("_id", "other").append("n", -101);
        Document sameOwnerAndN = new Document(existing).append("_id", "other").append("eventId", "other");
        for (Document duplicate : List.of(sameId, sameEvent, sameOwnerAndN)) {
            assertThatThrownBy(() -> Mono.from(c.insertOne(duplicate)).block(WAIT)).as("%s", duplicate)
                    .isInstanceOfSatisfying(MongoWriteException.class,
                            e -> assertThat(e.getError().getCategory()).isEqualTo(ErrorCategory.DUPLICATE_KEY));
        }
        assertThat(Mono.from(c.countDocuments()).block(WAIT)).isEqualTo(count);
        assertThat(Mono.from(c.find(Filters.eq("_id", existing.get("_id"))).first()).block(WAIT)).isEqualTo(existing);
    }
}
