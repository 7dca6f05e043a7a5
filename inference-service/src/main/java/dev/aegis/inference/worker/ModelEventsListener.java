package dev.aegis.inference.worker;

import org.springframework.context.annotation.Profile;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.ModelActivated;
import dev.aegis.events.Topics;

/**
 * Every worker instance must see every activation, so each has its own consumer group (a random
 * suffix) starting at the end of the topic; what happened before it started it reads from
 * {@code models/active.json} at start.
 */
@Component
@Profile("worker")
class ModelEventsListener {

    private final ActiveModel active;

    ModelEventsListener(ActiveModel active) {
        this.active = active;
    }

    @KafkaListener(id = "inference-model-events", topics = Topics.MODEL_EVENTS,
            groupId = "inference-worker-models-${aegis.inference.instance-id:${random.uuid}}",
            properties = "auto.offset.reset=latest")
    void onModelEvent(CloudEvent<?> event) {
        if (event.data() instanceof ModelActivated) {
            active.refresh();
        }
    }
}
