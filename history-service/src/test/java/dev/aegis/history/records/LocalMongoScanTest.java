package dev.aegis.history.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The local MongoDB-protocol server's own fixes (sorted pages, snapshots, id-bounded queries)
 * (deploy/local/dist/mongo {@code SnapshotH2Backend}), over the wire against the real process.
 */
@RealServers(Server.MONGO)
class LocalMongoScanTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String PAD = "x".repeat(1_000);

    private MongoClient client;
    private MongoDatabase db;

    @BeforeEach
    void connect() {
        client = MongoClients.create(RealServersExtension.mongo().uri());
        db = client.getDatabase("scan_" + UUID.randomUUID().toString().replace("-", ""));
    }

    @AfterEach
    void close() {
        Mono.from(db.drop()).block(WAIT);
        client.close();
    }

    /**
     * A sort with a limit (bounded path: keeps only skip + limit documents) returns exactly what the
     * server's full sort returns for the same query, including the order of ties (scan order).
     */
    @Test
    void aSortWithALimitReturnsWhatTheFullSortReturns() {
        MongoCollection<Document> c = db.getCollection("docs");
        Instant base = Instant.parse("2026-11-20T08:00:00Z");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            // many ties on t and on bucket
            docs.add(new Document("_id", "d" + ((i * 7919) % 2_000)).append("owner", i % 3 == 0 ? "a" : "b")
                    .append("bucket", i % 7).append("t", Date.from(base.plusSeconds((i * 37L) % 500))));
        }
        Mono.from(c.insertMany(docs)).block(WAIT);

        for (Bson sort : List.of(Sorts.descending("t", "_id"), Sorts.ascending("t"), Sorts.ascending("bucket"),
                Sorts.orderBy(Sorts.descending("bucket"), Sorts.ascending("t")))) {
            List<String> full = ids(c, Filters.eq("owner", "b"), sort, 0, 0);
            assertThat(full).hasSize(1_333);
            assertThat(ids(c, Filters.eq("owner", "b"), sort, 0, 20)).as("first page by %s", sort)
                    .containsExactlyElementsOf(full.subList(0, 20));
            assertThat(ids(c, Filters.eq("owner", "b"), sort, 40, 20)).as("third page by %s", sort)
                    .containsExactlyElementsOf(full.subList(40, 60));
            assertThat(ids(c, Filters.eq("owner", "b"), sort, 1_320, 20)).as("past the end by %s", sort)
                    .containsExactlyElementsOf(full.subList(1_320, 1_333));
        }
    }

    /**
     * A query naming {@code _id} and other fields (every conditional update by id) is bounded by the
     * {@code _id} index and must still apply the other fields, as MongoDB does: a mismatch in any of
     * them matches nothing, for finds, updates and deletes, with plain ids, {@code $in} and operators
     * the index cannot serve ({@code $gt}, which still scans), written as one document (as Spring
     * Data's {@code Criteria} renders them) or as {@code $and} (as the driver's {@code Filters.and}).
     */
    @Test
    void queriesNamingTheIdAndOtherFieldsApplyAllOfThem() {
        MongoCollection<Document> c = db.getCollection("byid");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            docs.add(new Document("_id", String.format("d%02d", i)).append("status", i % 2 == 0 ? "PENDING" : "DONE")
                    .append("owner", i % 3 == 0 ? "a" : "b"));
        }
        Mono.from(c.insertMany(docs)).block(WAIT);

        for (boolean and : List.of(false, true)) {
            assertThat(ids(c, both(and, "_id", "d04", "status", "PENDING"))).as("and=%s", and).containsExactly("d04");
            assertThat(ids(c, both(and, "_id", "d04", "status", "DONE"))).as("and=%s", and).isEmpty();
            assertThat(ids(c, both(and, "_id", "missing", "status", "DONE"))).as("and=%s", and).isEmpty();
            assertThat(ids(c, both(and, "_id", new Document("$in", List.of("d00", "d01", "d02", "d03", "missing")),
                    "owner", "a"))).as("and=%s", and).containsExactlyInAnyOrder("d00", "d03");
            assertThat(ids(c, both(and, "_id", new Document("$gt", "d95"), "status", "PENDING"))).as("and=%s", and)
                    .containsExactlyInAnyOrder("d96", "d98");
        }

        var update = new Document("$set", new Document("status", "DONE"));
        for (boolean and : List.of(false, true)) {
            String id = and ? "d20" : "d10";
            Bson pending = both(and, "_id", id, "status", "PENDING");
            assertThat(Mono.from(c.updateOne(pending, update)).block(WAIT).getModifiedCount()).as(id).isEqualTo(1);
            assertThat(Mono.from(c.updateOne(pending, update)).block(WAIT).getMatchedCount()).as(id).isZero();
        }
        assertThat(ids(c, Filters.eq("status", "DONE"))).hasSize(52);

        assertThat(Mono.from(c.deleteOne(both(false, "_id", "d12", "owner", "b"))).block(WAIT).getDeletedCount()).isZero();
        assertThat(Mono.from(c.deleteOne(both(true, "_id", "d12", "owner", "b"))).block(WAIT).getDeletedCount()).isZero();
        assertThat(Mono.from(c.deleteOne(both(false, "_id", "d12", "owner", "a"))).block(WAIT).getDeletedCount()).isEqualTo(1);
        assertThat(Mono.from(c.deleteOne(both(true, "_id", "d15", "owner", "a"))).block(WAIT).getDeletedCount()).isEqualTo(1);
        assertThat(Mono.from(c.countDocuments()).block(WAIT)).isEqualTo(98);
    }

    /** {@code {k1: v1, k2: v2}}, or the same as {@code {$and: [{k1: v1}, {k2: v2}]}}. */
    private static Bson both(boolean and, String k1, Object v1, String k2, Object v2) {
        return and ? new Document("$and", List.of(new Document(k1, v1), new Document(k2, v2)))
                : new Document(k1, v1).append(k2, v2);
    }

    /**
     * The failing pattern of the 100k history benchmark, at a size that runs in seconds: sorted page
     * scans over a collection whose H2 chunks are fragmented (written interleaved with churn in
     * another collection, so background compaction has work), while another client keeps writing.
     * Before the fix, scans read store versions that compaction and the writers could reclaim
     * ("Chunk N not found"); at 100k records that happened on every scan. Every scan must succeed
     * and return the right page.
     */
    @Test
    void sortedScansSucceedWhileOthersWriteAndTheStoreCompacts() throws Exception {
        MongoCollection<Document> scanned = db.getCollection("scanned");
        MongoCollection<Document> churn = db.getCollection("churn");
        Instant base = Instant.parse("2026-11-01T00:00:00Z");
        int n = 4_000;
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(new Document("_id", UUID.randomUUID().toString()).append("owner", "u")
                    .append("t", Date.from(base.plusSeconds(i))).append("pad", PAD));
            if (batch.size() == 200) {
                Mono.from(scanned.insertMany(batch)).block(WAIT);
                batch.clear();
                churn(churn);
            }
        }
        List<String> expected = ids(scanned, Filters.eq("owner", "u"), Sorts.descending("t", "_id"), 0, 0).subList(0, 20);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    churn(churn);
                    writes.incrementAndGet();
                }
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        });
        writer.start();
        int scans = 0;
        try {
            // a fixed amount of work, not a time budget: at least 10 scans, and until the writer wrote 10 times
            while (scans < 10 || writes.get() < 10) {
                assertThat(ids(scanned, Filters.eq("owner", "u"), Sorts.descending("t", "_id"), 0, 20))
                        .as("scan %d", scans).containsExactlyElementsOf(expected);
                scans++;
                if (writerFailure.get() != null) {
                    break;
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailure.get()).isNull();
        assertThat(Mono.from(scanned.countDocuments()).block(WAIT)).isEqualTo(n);
    }

    /** Writes and deletes 1 MB in another collection: dead space in the chunks, new store versions. */
    private static void churn(MongoCollection<Document> c) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            docs.add(new Document("_id", UUID.randomUUID().toString()).append("pad", PAD.repeat(5)));
        }
        Mono.from(c.insertMany(docs)).block(WAIT);
        Mono.from(c.deleteMany(new Document())).block(WAIT);
    }

    private static List<String> ids(MongoCollection<Document> c, Bson filter) {
        return Flux.from(c.find(filter)).map(d -> d.getString("_id")).collectList().block(WAIT);
    }

    private static List<String> ids(MongoCollection<Document> c, Bson filter, Bson sort, int skip, int limit) {
        return Flux.from(c.find(filter).sort(sort).skip(skip).limit(limit).projection(new Document("_id", 1)))
                .map(d -> d.getString("_id")).collectList().block(WAIT);
    }
}
