package dev.aegis.inference.prediction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.context.annotation.Profile;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Applies workers' results to {@code predictions}, a poll at a time (see
 * {@link PredictionService#applyAll}), and the offsets are committed after all of them (batch ack
 * mode), so a crash re-applies them, which is a no-op the second time.
 */
@Component
@Profile("api")
class ResultListener {

    private static final LogAccessor LOG_ACCESSOR = new LogAccessor(ResultListener.class);

    private final PredictionService predictions;
    private final MeterRegistry meters;
    private final DeadLetterPublishingRecoverer deadLetters;

    ResultListener(PredictionService predictions, MeterRegistry meters, DeadLetterPublishingRecoverer deadLetters) {
        this.predictions = predictions;
        this.meters = meters;
        this.deadLetters = deadLetters;
    }

    @KafkaListener(id = ResultOwnership.RESULT_LISTENER_ID, groupId = "${aegis.inference.api-group:inference-api}", topics = Topics.PREDICTION_RESULTS,
            concurrency = "${aegis.inference.result-concurrency:3}", batch = "true")
    void onResults(List<ConsumerRecord<String, CloudEvent<?>>> records) {
        List<CloudEvent<PredictionCompleted>> results = new ArrayList<>(records.size());
        for (ConsumerRecord<String, CloudEvent<?>> record : records) {
            CloudEvent<?> event = record.value();
            if (event == null) {
                // a batch listener sees records its deserializer failed on: same DLT as a record listener
                DeserializationException poison = SerializationUtils.getExceptionFromHeader(record,
                        SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG_ACCESSOR);
                deadLetters.accept(record, poison != null ? poison
                        : new IllegalArgumentException("record without a value (tombstone)"));
                continue;
            }
            if (!(event.data() instanceof PredictionCompleted)) {
                meters.counter("aegis.inference.events.ignored", "type", event.type()).increment();
                continue;
            }
            @SuppressWarnings("unchecked")
            CloudEvent<PredictionCompleted> completed = (CloudEvent<PredictionCompleted>) event;
            results.add(completed);
        }
        long start = System.nanoTime();
        long now = System.currentTimeMillis();
        for (CloudEvent<PredictionCompleted> result : results) {
            if (result.time() != null) {
                // result built by the worker -> handed to this listener: the Kafka hop of results
                meters.timer("aegis.inference.results.delivery").record(Math.max(0, now - result.time().toEpochMilli()),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        predictions.applyAll(results).block(Duration.ofSeconds(60));
        // poll handed over -> every result of it applied (and its waiters woken)
        meters.timer("aegis.inference.results.apply").record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
