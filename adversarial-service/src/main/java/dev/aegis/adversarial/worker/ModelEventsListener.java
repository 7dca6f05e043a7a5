package dev.aegis.adversarial.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.aegis.adversarial.model.ActiveModelCatalog;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.ModelActivated;
import dev.aegis.events.Topics;

/**
 * Follows model activations. Every replica must see every activation, so the group id is unique
 * per process; and it starts from the latest offset, because the current state is read from
 * {@code models/active.json} at first use anyway.
 */
@Component
class ModelEventsListener {

    private static final Logger log = LoggerFactory.getLogger(ModelEventsListener.class);

    private final ActiveModelCatalog catalog;
    private final org.springframework.beans.factory.ObjectProvider<ModelHolder> holder;

    ModelEventsListener(ActiveModelCatalog catalog, org.springframework.beans.factory.ObjectProvider<ModelHolder> holder) {
        this.catalog = catalog;
        this.holder = holder;
    }

    @KafkaListener(id = "adversarial-model-events", topics = Topics.MODEL_EVENTS,
            groupId = "adversarial-models-${random.uuid}",
            properties = "auto.offset.reset=latest")
    void onModelEvent(CloudEvent<?> event) {
        if (!(event.data() instanceof ModelActivated activated)) {
            log.info("ignoring event {} of type {} on {}", event.id(), event.type(), Topics.MODEL_EVENTS);
            return;
        }
        catalog.invalidate();
        ModelHolder worker = holder.getIfAvailable();
        if (worker != null) {
            worker.activate(activated.model());
        }
    }
}
