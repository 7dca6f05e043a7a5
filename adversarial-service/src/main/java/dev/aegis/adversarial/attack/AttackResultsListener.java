package dev.aegis.adversarial.attack;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.aegis.events.AttackCompleted;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.Topics;

/**
 * Applies worker results to the attack records. The offset is committed after the update
 * returns (ack mode RECORD), so a crash in between replays the same, idempotent update.
 */
@Component
@Profile("api")
class AttackResultsListener {

    private static final Logger log = LoggerFactory.getLogger(AttackResultsListener.class);

    private final AttackStore store;

    AttackResultsListener(AttackStore store) {
        this.store = store;
    }

    @KafkaListener(id = "adversarial-api-results", topics = Topics.ATTACK_RESULTS,
            groupId = "${aegis.adversarial.api-group:adversarial-api}")
    @SuppressWarnings("unchecked")
    void onResult(CloudEvent<?> event) {
        if (!(event.data() instanceof AttackCompleted)) {
            log.info("ignoring event {} of type {} on {}", event.id(), event.type(), Topics.ATTACK_RESULTS);
            return;
        }
        var result = store.complete((CloudEvent<AttackCompleted>) event).block(Duration.ofSeconds(30));
        if (result != null && result.getMatchedCount() == 0) {
            log.info("result {} names unknown attack {} (erased or never recorded here)", event.id(),
                    ((AttackCompleted) event.data()).attackId());
        }
    }
}
