package dev.aegis.history.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.mongodb.test.autoconfigure.DataMongoTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.Server;

/** The store against the real MongoDB-protocol server (mongo-java-server, its own process). */
@RealServers(Server.MONGO)
@DataMongoTest
@Import(HistoryStore.class)
class HistoryStoreTest {

    private static final Instant T = Instant.parse("2026-11-20T08:00:00Z");

    @Autowired
    HistoryStore store;

    @Autowired
    ReactiveMongoTemplate mongo;

    private final String alice = "alice-" + UUID.randomUUID();
    private final String bob = "bob-" + UUID.randomUUID();

    @Test
    void aReplayedEventChangesNothing() {
        HistoryRecord first = record(alice, T, "Car");
        assertThat(store.insertIfAbsent(first).block()).isTrue();
        Document stored = raw(first.id());

        HistoryRecord replay = new HistoryRecord(first.id(), first.eventId(), alice, first.kind(), "DONE", "other",
                first.imageId(), first.imageKey(), null, first.model(), "Ship", 0.1, null, null, null, null, null,
                first.createdAt(), first.day(), Instant.now().plusSeconds(60));
        assertThat(store.insertIfAbsent(replay).block()).isFalse();
        assertThat(raw(first.id())).isEqualTo(stored);
        assertThat(count(alice)).isEqualTo(1);
    }

    @Test
    void theEventIdIsUnique() {
        HistoryRecord first = record(alice, T, "Car");
        assertThat(store.insertIfAbsent(first).block()).isTrue();
        HistoryRecord sameEvent = new HistoryRecord("other-" + first.id(), first.eventId(), alice, first.kind(), "DONE",
                "c", "i", "k", null, first.model(), "Car", 0.9, null, null, null, null, null, T, "2026-11-20", T);
        assertThat(store.insertIfAbsent(sameEvent).block()).isFalse();
        assertThat(count(alice)).isEqualTo(1);
        List<Document> indexes = mongo.getCollection(HistoryRecord.COLLECTION)
                .flatMapMany(c -> c.listIndexes()).collectList().block();
        assertThat(indexes).anySatisfy(i -> {
            assertThat(i.get("key", Document.class)).containsKey("eventId");
            assertThat(i.getBoolean("unique")).isTrue();
        });
    }

    @Test
    void queriesOnlySeeTheirOwnersRecords() {
        HistoryRecord mine = record(alice, T, "Car");
        HistoryRecord theirs = record(bob, T, "Car");
        store.insertIfAbsent(mine).block();
        store.insertIfAbsent(theirs).block();

        assertThat(store.find(alice, all(), 100).map(HistoryRecord::id).collectList().block()).containsExactly(mine.id());
        assertThat(store.findOne(alice, theirs.id()).block()).isNull();
        assertThat(store.findOne(bob, theirs.id()).block()).isNotNull();
        assertThat(store.deleteOne(alice, theirs.id()).block()).isFalse();
        assertThat(store.findOne(bob, theirs.id()).block()).isNotNull();
        assertThat(store.stats(alice, all()).block().total()).isEqualTo(1);
    }

    @Test
    void cursorPagingVisitsEveryRecordOnceNewestFirstEvenWithEqualTimes() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // pairs of records share a timestamp: the id breaks the tie
            HistoryRecord r = record(alice, T.plusSeconds(i / 2), "Car");
            store.insertIfAbsent(r).block();
        }
        expected.addAll(store.find(alice, all(), 100).map(HistoryRecord::id).collectList().block());
        assertThat(expected).hasSize(25);

        List<String> seen = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        Cursor cursor = null;
        int pages = 0;
        do {
            HistoryQuery q = new HistoryQuery(null, null, null, null, null, null, null, cursor, 10, false);
            List<HistoryRecord> page = store.find(alice, q, 10).collectList().block();
            page.forEach(r -> {
                seen.add(r.id());
                times.add(r.createdAt());
            });
            cursor = page.size() == 10 ? Cursor.after(page.get(page.size() - 1)) : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(expected).doesNotHaveDuplicates();
        assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));

        HistoryQuery ascending = new HistoryQuery(null, null, null, null, null, null, null, null, 5, true);
        assertThat(store.find(alice, ascending, 5).map(HistoryRecord::id).collectList().block())
                .containsExactlyElementsOf(reversed(expected).subList(0, 5));
    }

    @Test
    void filtersNarrowTheResult() {
        store.insertIfAbsent(record(alice, T, "Car")).block();
        store.insertIfAbsent(record(alice, T.plusSeconds(86_400), "Bike")).block();
        HistoryRecord flagged = new HistoryRecord(UUID.randomUUID().toString(), UUID.randomUUID().toString(), alice,
                RecordKind.ATTACK, "DONE", "c", "img", "k", null, new HistoryRecord.Model("demo", "2"), "Ship", 0.7, null,
                new HistoryRecord.Detector(0.9, 0.5, true),
                new HistoryRecord.Attack("FGSM", 0.03, null, null, null, null, "Car", 0.9, "Ship", 0.7, true, 0.03, 1.2,
                        "adversarial/a.png", "adversarial/a-perturbation.png"),
                null, null, T.plusSeconds(2 * 86_400), "2026-11-22", T);
        store.insertIfAbsent(flagged).block();
        HistoryRecord item = new HistoryRecord(UUID.randomUUID().toString(), UUID.randomUUID().toString(), alice,
                RecordKind.BATCH_ITEM, "DONE", "c", "img", "k", "x.png", new HistoryRecord.Model("demo", "1"), "Car", 0.8,
                null, null, null, "batch-1", null, T.plusSeconds(60), "2026-11-20", T);
        store.insertIfAbsent(item).block();

        assertThat(ids(filter(Map.of("kind", "attack")))).containsExactly(flagged.id());
        assertThat(ids(filter(Map.of("flagged", "true")))).containsExactly(flagged.id());
        assertThat(ids(filter(Map.of("flagged", "false")))).hasSize(3);
        assertThat(ids(filter(Map.of("modelVersion", "2")))).containsExactly(flagged.id());
        assertThat(ids(filter(Map.of("batchId", "batch-1")))).containsExactly(item.id());
        assertThat(ids(filter(Map.of("label", "Car")))).hasSize(2);
        assertThat(ids(filter(Map.of("from", "2026-11-21", "to", "2026-11-21")))).hasSize(1);
        assertThat(ids(filter(Map.of("from", "2026-11-22T00:00:00Z")))).containsExactly(flagged.id());
        assertThat(ids(filter(Map.of("to", "2026-11-20T08:00:30Z")))).hasSize(1);

        HistoryStats stats = store.stats(alice, all()).block();
        assertThat(stats.total()).isEqualTo(4);
        assertThat(stats.flagged()).isEqualTo(1);
        assertThat(stats.perLabel().get(0)).isEqualTo(new HistoryStats.LabelCount("Car", 2));
        assertThat(stats.perLabel()).containsExactlyInAnyOrder(new HistoryStats.LabelCount("Car", 2),
                new HistoryStats.LabelCount("Bike", 1), new HistoryStats.LabelCount("Ship", 1));
        assertThat(stats.perDay()).containsExactly(new HistoryStats.DayCount("2026-11-20", 2),
                new HistoryStats.DayCount("2026-11-21", 1), new HistoryStats.DayCount("2026-11-22", 1));
        assertThat(store.stats(alice, filter(Map.of("kind", "PREDICTION"))).block().perLabel())
                .containsExactlyInAnyOrder(new HistoryStats.LabelCount("Car", 1), new HistoryStats.LabelCount("Bike", 1));
    }

    @Test
    void aDeletedRecordStaysDeletedWhenItsEventIsReplayed() {
        HistoryRecord r = record(alice, T, "Car");
        store.insertIfAbsent(r).block();
        assertThat(store.deleteOne(alice, r.id()).block()).isTrue();
        assertThat(store.findOne(alice, r.id()).block()).isNull();
        assertThat(store.insertIfAbsent(r).block()).isFalse();
        assertThat(store.findOne(alice, r.id()).block()).isNull();
        assertThat(store.deleteOne(alice, r.id()).block()).isFalse();
    }

    @Test
    void erasureRemovesEveryRecordOfTheUserOnlyAndOlderEventsStayOut() {
        for (int i = 0; i < 5; i++) {
            store.insertIfAbsent(record(alice, T.plusSeconds(i), "Car")).block();
        }
        HistoryRecord bobs = record(bob, T, "Car");
        store.insertIfAbsent(bobs).block();
        HistoryRecord inFlight = record(alice, T.plusSeconds(30), "Bike");

        assertThat(store.eraseUser(alice, T.plusSeconds(60)).block()).isEqualTo(5);
        assertThat(count(alice)).isZero();
        assertThat(store.findOne(bob, bobs.id()).block()).isNotNull();

        // an event that happened before the erasure (redelivered, replayed or in flight) is dropped
        assertThat(store.insertIfAbsent(inFlight).block()).isFalse();
        // new activity after the erasure is recorded again
        assertThat(store.insertIfAbsent(record(alice, T.plusSeconds(61), "Ship")).block()).isTrue();
        assertThat(count(alice)).isEqualTo(1);
    }

    @Test
    void aBatchWritesEachRecordOnceAndReportsWhatItCreated() {
        HistoryRecord stored = record(alice, T, "Car");
        assertThat(store.insertIfAbsent(stored).block()).isTrue();
        Document before = raw(stored.id());
        HistoryRecord a = record(alice, T.plusSeconds(1), "Bike");
        HistoryRecord b = record(alice, T.plusSeconds(2), "Ship");
        HistoryRecord c = record(bob, T.plusSeconds(3), "Car");
        HistoryRecord aAgain = new HistoryRecord(a.id(), a.eventId(), alice, a.kind(), "DONE", "other", a.imageId(),
                a.imageKey(), null, a.model(), "Ship", 0.1, null, null, null, null, null, a.createdAt(), a.day(), T);

        // an already stored record in the middle and a duplicate inside the batch: the others are still written
        List<HistoryRecord> created = store.insertAllIfAbsent(List.of(a, stored, b, aAgain, c)).block();

        assertThat(created).extracting(HistoryRecord::id).containsExactly(a.id(), b.id(), c.id());
        assertThat(raw(stored.id())).isEqualTo(before);
        assertThat(raw(a.id()).getString("label")).isEqualTo("Bike");
        assertThat(count(alice)).isEqualTo(3);
        assertThat(count(bob)).isEqualTo(1);
    }

    @Test
    void aReplayedBatchCreatesNothingAndChangesNothing() {
        List<HistoryRecord> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(record(alice, T.plusSeconds(i), i % 2 == 0 ? "Car" : "Bike"));
        }
        assertThat(store.insertAllIfAbsent(batch).block()).hasSize(50);
        List<Document> before = batch.stream().map(r -> raw(r.id())).toList();

        assertThat(store.insertAllIfAbsent(batch).block()).isEmpty();
        assertThat(store.insertAllIfAbsent(batch.subList(10, 30)).block()).isEmpty();
        assertThat(batch.stream().map(r -> raw(r.id())).toList()).isEqualTo(before);
        assertThat(count(alice)).isEqualTo(50);
    }

    @Test
    void aBatchSkipsDeletedAndErasedRecords() {
        HistoryRecord deleted = record(alice, T, "Car");
        store.insertIfAbsent(deleted).block();
        assertThat(store.deleteOne(alice, deleted.id()).block()).isTrue();
        store.eraseUser(bob, T.plusSeconds(60)).block();
        HistoryRecord bobsOld = record(bob, T, "Car");
        HistoryRecord bobsNew = record(bob, T.plusSeconds(61), "Bike");
        HistoryRecord alicesNew = record(alice, T.plusSeconds(1), "Ship");

        List<HistoryRecord> created = store.insertAllIfAbsent(List.of(deleted, bobsOld, bobsNew, alicesNew)).block();

        assertThat(created).extracting(HistoryRecord::id).containsExactly(bobsNew.id(), alicesNew.id());
        assertThat(store.findOne(alice, deleted.id()).block()).isNull();
        assertThat(store.findOne(bob, bobsOld.id()).block()).isNull();
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private List<String> ids(HistoryQuery q) {
        return store.find(alice, q, 100).map(HistoryRecord::id).collectList().block();
    }

    private static HistoryQuery filter(Map<String, String> params) {
        return HistoryQuery.filters(new HashMap<>(params));
    }

    private static HistoryQuery all() {
        return new HistoryQuery(null, null, null, null, null, null, null, null, 100, false);
    }

    private long count(String user) {
        return store.stats(user, all()).block().total();
    }

    private Document raw(String id) {
        return mongo.getCollection(HistoryRecord.COLLECTION)
                .flatMap(c -> reactor.core.publisher.Mono.from(c.find(new Document("_id", id)).first())).block();
    }

    static HistoryRecord record(String user, Instant at, String label) {
        String id = UUID.randomUUID().toString();
        return new HistoryRecord(id, "evt-" + id, user, RecordKind.PREDICTION, "DONE", "corr", "img-" + id,
                "uploads/" + user + "/img-" + id, "a.png", new HistoryRecord.Model("demo", "1"), label, 0.9,
                List.of(new HistoryRecord.LabelProbability(label, 0.9)), new HistoryRecord.Detector(0.1, 0.5, false),
                null, null, null, at, at.atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString(), Instant.now());
    }
}
