package dev.aegis.history.records;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.aggregation.Aggregation;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.InsertManyOptions;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * MongoDB access for history records. Every read and delete takes the owner's id and puts it in
 * the filter: no method can reach another user's record.
 *
 * <p>Only features that both real MongoDB and the local MongoDB-protocol server (mongo-java-server)
 * have: no transactions, no change streams. Records are written with unordered inserts that the
 * unique indexes ({@code _id}, {@code eventId}) refuse for an existing record, so a replayed event
 * leaves the stored record byte-for-byte unchanged.
 */
@Component
public class HistoryStore implements InitializingBean {

    static final String TOMBSTONES = "history_tombstones";

    private final ReactiveMongoTemplate mongo;

    HistoryStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Indexes are created at start, before the Kafka listener runs, so the unique index is built on
     * an empty collection (the local server must never build one over duplicates). The secondary
     * indexes serve the per-user time-ordered queries on real MongoDB; the local server accepts and
     * ignores them.
     */
    @Override
    public void afterPropertiesSet() {
        var ops = mongo.indexOps(HistoryRecord.class);
        Flux.concat(
                        ops.createIndex(new Index().on("eventId", Sort.Direction.ASC).unique().named("eventId_unique")),
                        ops.createIndex(new Index().on("userId", Sort.Direction.ASC).on("createdAt", Sort.Direction.DESC)
                                .on("_id", Sort.Direction.DESC).named("user_time")),
                        ops.createIndex(new Index().on("userId", Sort.Direction.ASC).on("kind", Sort.Direction.ASC)
                                .on("createdAt", Sort.Direction.DESC).named("user_kind_time")),
                        ops.createIndex(new Index().on("userId", Sort.Direction.ASC).on("batchId", Sort.Direction.ASC)
                                .named("user_batch")),
                        ops.createIndex(new Index().on("userId", Sort.Direction.ASC).on("day", Sort.Direction.ASC)
                                .named("user_day")),
                        mongo.indexOps(TOMBSTONES).createIndex(new Index().on("userId", Sort.Direction.ASC)
                                .named("user")))
                .then()
                .block(Duration.ofSeconds(60));
    }

    /**
     * Stores the record unless it exists already or its owner deleted it (a single delete, or an
     * erasure after the event happened). Emits true only when this call created the record.
     */
    public Mono<Boolean> insertIfAbsent(HistoryRecord record) {
        return insertAllIfAbsent(List.of(record)).map(created -> !created.isEmpty());
    }

    /**
     * Stores the records that neither exist already nor were deleted by their owner, in one
     * round trip for the tombstones and one unordered {@code insertMany}. A record whose id or
     * event id is already stored is refused by the unique indexes (duplicate key) and counts as
     * "already stored", so a replay leaves every stored record byte-for-byte unchanged; any other
     * write error fails the whole call (the caller retries the batch, which is idempotent).
     * Emits the records this call created, in input order; a record repeated inside the batch is
     * written once.
     */
    public Mono<List<HistoryRecord>> insertAllIfAbsent(List<HistoryRecord> records) {
        if (records.isEmpty()) {
            return Mono.just(List.of());
        }
        Map<String, HistoryRecord> unique = new LinkedHashMap<>();
        records.forEach(r -> unique.putIfAbsent(r.id(), r));
        Set<String> tombstoneIds = new LinkedHashSet<>();
        unique.values().forEach(r -> {
            tombstoneIds.add(recordTombstone(r.id()));
            tombstoneIds.add(userTombstone(r.userId()));
        });
        return mongo.find(Query.query(Criteria.where("_id").in(tombstoneIds)), Document.class, TOMBSTONES)
                .collectMap(t -> t.getString("_id"), t -> t.getDate("at").toInstant())
                .flatMap(tombstones -> {
                    List<HistoryRecord> alive = unique.values().stream().filter(r -> !buried(r, tombstones)).toList();
                    return alive.isEmpty() ? Mono.just(List.<HistoryRecord>of()) : insertMany(alive);
                });
    }

    private static boolean buried(HistoryRecord r, Map<String, Instant> tombstones) {
        if (tombstones.containsKey(recordTombstone(r.id()))) {
            return true;
        }
        Instant erased = tombstones.get(userTombstone(r.userId()));
        return erased != null && !r.createdAt().isAfter(erased);
    }

    private Mono<List<HistoryRecord>> insertMany(List<HistoryRecord> records) {
        List<Document> documents = records.stream().map(r -> {
            Document d = new Document();
            mongo.getConverter().write(r, d);
            d.remove("_class");
            return d;
        }).toList();
        return mongo.getCollection(HistoryRecord.COLLECTION)
                .flatMap(c -> Mono.from(c.insertMany(documents, new InsertManyOptions().ordered(false))))
                .map(result -> records)
                .onErrorResume(MongoBulkWriteException.class, e -> {
                    // unordered: every insert was attempted; only duplicates may fail, they are "already stored"
                    boolean onlyDuplicates = e.getWriteConcernError() == null && e.getWriteErrors().stream()
                            .allMatch(w -> w.getCategory() == ErrorCategory.DUPLICATE_KEY);
                    if (!onlyDuplicates) {
                        return Mono.error(e);
                    }
                    Set<Integer> refused = new HashSet<>();
                    e.getWriteErrors().forEach(w -> refused.add(w.getIndex()));
                    List<HistoryRecord> created = new ArrayList<>();
                    for (int i = 0; i < records.size(); i++) {
                        if (!refused.contains(i)) {
                            created.add(records.get(i));
                        }
                    }
                    return Mono.just(created);
                });
    }

    Mono<HistoryRecord> findOne(String userId, String id) {
        return mongo.findOne(Query.query(Criteria.where("_id").is(id).and("userId").is(userId)), HistoryRecord.class);
    }

    /** At most {@code limit} records matching the query, in the query's time order. */
    Flux<HistoryRecord> find(String userId, HistoryQuery q, int limit) {
        List<Criteria> all = filters(userId, q);
        Sort.Direction direction = q.ascending() ? Sort.Direction.ASC : Sort.Direction.DESC;
        if (q.cursor() != null) {
            Instant t = q.cursor().createdAt();
            String id = q.cursor().id();
            all.add(q.ascending()
                    ? new Criteria().orOperator(Criteria.where("createdAt").gt(t),
                            new Criteria().andOperator(Criteria.where("createdAt").is(t), Criteria.where("_id").gt(id)))
                    : new Criteria().orOperator(Criteria.where("createdAt").lt(t),
                            new Criteria().andOperator(Criteria.where("createdAt").is(t), Criteria.where("_id").lt(id))));
        }
        Query query = Query.query(new Criteria().andOperator(all))
                .with(Sort.by(direction, "createdAt").and(Sort.by(direction, "_id")))
                .limit(limit);
        return mongo.find(query, HistoryRecord.class);
    }

    Mono<HistoryStats> stats(String userId, HistoryQuery q) {
        Criteria match = new Criteria().andOperator(filters(userId, q));
        Mono<List<HistoryStats.Count>> perLabel = mongo.aggregate(Aggregation.newAggregation(
                        Aggregation.match(match),
                        Aggregation.group("label").count().as("count")), HistoryRecord.COLLECTION, Document.class)
                .map(d -> new HistoryStats.Count(d.getString("_id"), number(d.get("count"))))
                .collectSortedList((a, b) -> Long.compare(b.count(), a.count()));
        Mono<List<HistoryStats.Count>> perDay = mongo.aggregate(Aggregation.newAggregation(
                        Aggregation.match(match),
                        Aggregation.group("day").count().as("count")), HistoryRecord.COLLECTION, Document.class)
                .map(d -> new HistoryStats.Count(d.getString("_id"), number(d.get("count"))))
                .collectSortedList((a, b) -> String.valueOf(a.key()).compareTo(String.valueOf(b.key())));
        Mono<Long> flagged = mongo.count(Query.query(new Criteria().andOperator(
                match, Criteria.where("detector.flagged").is(true))), HistoryRecord.COLLECTION);
        return Mono.zip(perLabel, perDay, flagged).map(t -> new HistoryStats(
                t.getT1().stream().mapToLong(HistoryStats.Count::count).sum(),
                t.getT3(),
                t.getT1().stream().map(c -> new HistoryStats.LabelCount(c.key(), c.count())).toList(),
                t.getT2().stream().map(c -> new HistoryStats.DayCount(c.key(), c.count())).toList()));
    }

    /** Deletes one record of the user and remembers it, so a replay of the topic does not bring it back. */
    Mono<Boolean> deleteOne(String userId, String id) {
        return mongo.remove(Query.query(Criteria.where("_id").is(id).and("userId").is(userId)), HistoryRecord.COLLECTION)
                .flatMap(result -> result.getDeletedCount() == 0 ? Mono.just(false)
                        : mongo.upsert(Query.query(Criteria.where("_id").is(recordTombstone(id))),
                                new Update().set("userId", userId).set("at", Instant.now()), TOMBSTONES)
                                .thenReturn(true));
    }

    /**
     * Erases every record of the user. The user tombstone is written first: from then on the
     * consumer drops events that happened before the erasure, including ones still in flight.
     */
    Mono<Long> eraseUser(String userId, Instant at) {
        return mongo.upsert(Query.query(Criteria.where("_id").is(userTombstone(userId))),
                        new Update().set("userId", userId).set("at", at), TOMBSTONES)
                .then(mongo.remove(Query.query(Criteria.where("userId").is(userId)
                        .and("_id").regex("^record:")), TOMBSTONES))
                .then(mongo.remove(Query.query(Criteria.where("userId").is(userId)), HistoryRecord.COLLECTION))
                .map(result -> result.getDeletedCount());
    }

    private static List<Criteria> filters(String userId, HistoryQuery q) {
        List<Criteria> all = new ArrayList<>();
        all.add(Criteria.where("userId").is(userId));
        if (q.kind() != null) {
            all.add(Criteria.where("kind").is(q.kind().name()));
        }
        if (q.label() != null) {
            all.add(Criteria.where("label").is(q.label()));
        }
        if (q.modelVersion() != null) {
            all.add(Criteria.where("model.version").is(q.modelVersion()));
        }
        if (q.batchId() != null) {
            all.add(Criteria.where("batchId").is(q.batchId()));
        }
        if (q.flagged() != null) {
            // records without a detector verdict count as not flagged
            all.add(q.flagged() ? Criteria.where("detector.flagged").is(true) : Criteria.where("detector.flagged").ne(true));
        }
        if (q.from() != null) {
            all.add(Criteria.where("createdAt").gte(q.from()));
        }
        if (q.to() != null) {
            all.add(Criteria.where("createdAt").lt(q.to()));
        }
        return all;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0L;
    }

    private static String recordTombstone(String id) {
        return "record:" + id;
    }

    private static String userTombstone(String userId) {
        return "user:" + userId;
    }
}
