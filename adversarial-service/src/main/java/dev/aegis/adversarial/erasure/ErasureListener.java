package dev.aegis.adversarial.erasure;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.aegis.adversarial.attack.AttackStore;
import dev.aegis.adversarial.robustness.ReportStore;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.Topics;
import dev.aegis.events.UserErasureRequested;
import dev.aegis.support.storage.ObjectStorage;

/**
 * Erases what this service keeps for a user: the {@code adversarial/{userId}/} objects, the
 * attack records and robustness reports. Idempotent, so a redelivered request is harmless.
 */
@Component
@Profile("api")
class ErasureListener {

    private static final Logger log = LoggerFactory.getLogger(ErasureListener.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final ObjectStorage storage;
    private final AttackStore attacks;
    private final ReportStore reports;

    ErasureListener(ObjectStorage storage, AttackStore attacks, ReportStore reports) {
        this.storage = storage;
        this.attacks = attacks;
        this.reports = reports;
    }

    @KafkaListener(id = "adversarial-api-erasure", topics = Topics.USER_ERASURE,
            groupId = "${aegis.adversarial.erasure-group:adversarial-erasure}")
    void onErasure(CloudEvent<?> event) {
        if (!(event.data() instanceof UserErasureRequested)) {
            log.info("ignoring event {} of type {} on {}", event.id(), event.type(), Topics.USER_ERASURE);
            return;
        }
        String userId = event.userid();
        Integer objects = storage.deletePrefix("adversarial/" + userId + "/").block(TIMEOUT);
        Long records = attacks.deleteUser(userId).block(TIMEOUT);
        Long deletedReports = reports.deleteUser(userId).block(TIMEOUT);
        log.info("erased user {}: {} objects, {} attacks, {} robustness reports", userId, objects, records,
                deletedReports);
    }
}
