package dev.aegis.history.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventTypes;
import dev.aegis.events.Topics;
import dev.aegis.history.records.HistoryRecord;
import dev.aegis.history.records.HistoryStore;
import dev.aegis.history.records.LiveUpdates;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores prediction and attack results, a poll at a time. The listener returns only after
 * MongoDB acknowledged the batch's write, and the container commits the batch's offsets only
 * after the listener returned (ack mode BATCH): a crash or a MongoDB outage means redelivery,
 * never a lost record, and redelivery is harmless because every write is an insert-if-absent on
 * the result's id.
 *
 * <p>A record that cannot be stored (malformed, or the write failed) is reported with
 * {@link BatchListenerFailedException} carrying its index: the records before it are stored by
 * then, so the error handler commits their offsets, applies the failure policy of
 * {@link KafkaConfig} to that record (dead-letter topic, or retry while MongoDB is down) and
 * redelivers the rest.
 */
@Component
class ResultListener {

    private static final Logger log = LoggerFactory.getLogger(ResultListener.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

    private final EventCodec codec = new EventCodec();
    private final JsonMapper json = JsonMapper.builder().build();
    private final HistoryStore store;
    private final LiveUpdates live;
    private final MeterRegistry meters;

    ResultListener(HistoryStore store, LiveUpdates live, MeterRegistry meters) {
        this.store = store;
        this.live = live;
        this.meters = meters;
    }

    @KafkaListener(id = "history-results", topics = {Topics.PREDICTION_RESULTS, Topics.ATTACK_RESULTS},
            groupId = "${spring.kafka.consumer.group-id:history-service}", batch = "true")
    void onResults(List<ConsumerRecord<String, byte[]>> records) {
        List<HistoryRecord> toStore = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            try {
                HistoryRecord mapped = toRecord(record);
                if (mapped != null) {
                    toStore.add(mapped);
                }
            } catch (RuntimeException e) {
                // store what came before it, so only this record is handed to the failure policy
                store(toStore, records);
                throw new BatchListenerFailedException("result " + record.topic() + "-" + record.partition() + "@"
                        + record.offset() + " cannot be stored", e, i);
            }
        }
        store(toStore, records);
    }

    /** The record to store, or null for an event type this version does not know. */
    private HistoryRecord toRecord(ConsumerRecord<String, byte[]> record) {
        String type = typeOf(record.value());
        if (type != null && !EventTypes.PREDICTION_COMPLETED.equals(type) && !EventTypes.ATTACK_COMPLETED.equals(type)) {
            // a type this version does not know (e.g. a future .v2): skipped and counted, not poison
            meters.counter("history.events.ignored", "type", type).increment();
            log.info("ignoring event of type {} at {}-{}@{}", type, record.topic(), record.partition(), record.offset());
            return null;
        }
        CloudEvent<?> event = codec.read(record.value());
        return ResultMapper.toRecord(event, Instant.now());
    }

    /**
     * One acknowledged write for the records, then the live announcements of the ones it created.
     * A failed write names the first record of the batch, so nothing of it is committed.
     */
    private void store(List<HistoryRecord> toStore, List<ConsumerRecord<String, byte[]>> records) {
        if (toStore.isEmpty()) {
            return;
        }
        List<HistoryRecord> created;
        try {
            created = store.insertAllIfAbsent(toStore).block(WRITE_TIMEOUT);
        } catch (RuntimeException e) {
            ConsumerRecord<String, byte[]> first = records.get(0);
            throw new BatchListenerFailedException("writing " + toStore.size() + " records from " + first.topic() + "-"
                    + first.partition() + "@" + first.offset() + " failed", e, 0);
        }
        for (HistoryRecord r : created) {
            meters.counter("history.records.stored", "kind", r.kind().name()).increment();
            live.publish(r);
        }
        int duplicates = toStore.size() - created.size();
        if (duplicates > 0) {
            meters.counter("history.events.duplicate").increment(duplicates);
            log.debug("{} of {} results already stored or erased", duplicates, toStore.size());
        }
        toStore.clear();
    }

    /** The envelope's type, or null when the value is not a JSON object with a string type (then the codec rejects it). */
    private String typeOf(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        try {
            JsonNode type = json.readTree(value).get("type");
            return type != null && type.isString() && !type.asString().isBlank() ? type.asString() : null;
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }
}
