package dev.aegis.history.ingest;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
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
 * Stores prediction and attack results. The listener returns only after MongoDB acknowledged the
 * write, and the container commits the offset only after the listener returned (ack mode RECORD):
 * a crash or a MongoDB outage means redelivery, never a lost record, and redelivery is harmless
 * because the write is an insert-if-absent on the result's id.
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
            groupId = "${spring.kafka.consumer.group-id:history-service}")
    void onResult(ConsumerRecord<String, byte[]> record) {
        String type = typeOf(record.value());
        if (type != null && !EventTypes.PREDICTION_COMPLETED.equals(type) && !EventTypes.ATTACK_COMPLETED.equals(type)) {
            // a type this version does not know (e.g. a future .v2): skipped and counted, not poison
            meters.counter("history.events.ignored", "type", type).increment();
            log.info("ignoring event of type {} at {}-{}@{}", type, record.topic(), record.partition(), record.offset());
            return;
        }
        CloudEvent<?> event = codec.read(record.value());
        HistoryRecord stored = ResultMapper.toRecord(event, Instant.now());
        Boolean created = store.insertIfAbsent(stored).block(WRITE_TIMEOUT);
        if (Boolean.TRUE.equals(created)) {
            meters.counter("history.records.stored", "kind", stored.kind().name()).increment();
            live.publish(stored);
        } else {
            meters.counter("history.events.duplicate").increment();
            log.debug("event {} for record {} already stored or erased", event.id(), stored.id());
        }
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
