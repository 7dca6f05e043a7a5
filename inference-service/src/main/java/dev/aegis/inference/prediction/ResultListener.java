package dev.aegis.inference.prediction;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Applies workers' results to {@code predictions}. The offset is committed after the write
 * (record ack mode), so a crash re-applies the result, which is a no-op the second time.
 */
@Component
@Profile("api")
class ResultListener {

    private static final Logger log = LoggerFactory.getLogger(ResultListener.class);

    private final PredictionService predictions;
    private final MeterRegistry meters;

    ResultListener(PredictionService predictions, MeterRegistry meters) {
        this.predictions = predictions;
        this.meters = meters;
    }

    // Several consumers: each result is one blocking MongoDB update, and one thread applying
    // them in turn was the pipeline's slowest stage under load (the bench's "created->applied").
    @KafkaListener(id = "inference-results", groupId = "${aegis.inference.api-group:inference-api}", topics = Topics.PREDICTION_RESULTS,
            concurrency = "${aegis.inference.result-concurrency:3}")
    void onResult(CloudEvent<?> event) {
        if (!(event.data() instanceof PredictionCompleted)) {
            meters.counter("aegis.inference.events.ignored", "type", event.type()).increment();
            return;
        }
        @SuppressWarnings("unchecked")
        CloudEvent<PredictionCompleted> completed = (CloudEvent<PredictionCompleted>) event;
        Boolean changed = predictions.apply(completed).block(Duration.ofSeconds(30));
        log.debug("result {} for prediction {} applied: {}", event.id(), completed.data().predictionId(), changed);
    }
}
