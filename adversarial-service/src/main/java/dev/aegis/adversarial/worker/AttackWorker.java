package dev.aegis.adversarial.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.aegis.adversarial.messaging.EventPublisher;
import dev.aegis.adversarial.messaging.KafkaConfig;
import dev.aegis.events.AttackCompleted;
import dev.aegis.events.AttackRequested;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.EventTypes;
import dev.aegis.events.Timings;
import dev.aegis.events.Topics;
import dev.aegis.model.attack.AttackSpec;
import dev.aegis.model.attack.InvalidAttackException;
import dev.aegis.model.image.ImageDecoder;
import dev.aegis.model.image.ImageRejectedException;
import dev.aegis.support.storage.ObjectStorage;
import dev.aegis.support.storage.StoredObject;

/**
 * Runs attacks from {@code aegis.attacks.requests}. At least once: the offset is committed after
 * the result event is acknowledged, and a redelivered request produces the same result under the
 * same event id (derived from the attack id; PGD's random start is seeded by it too). Requests that
 * cannot succeed (image deleted, not an image, label unknown to the model, no model) are answered
 * FAILED with the reason; infrastructure errors are retried, then dead-lettered (see KafkaConfig).
 */
@Component
@Profile("worker")
public class AttackWorker {

    private static final Logger log = LoggerFactory.getLogger(AttackWorker.class);
    private static final Duration IO_TIMEOUT = Duration.ofMinutes(2);

    private final ObjectStorage storage;
    private final ModelHolder models;
    private final EventPublisher publisher;
    private final ImageDecoder decoder = new ImageDecoder();

    public AttackWorker(ObjectStorage storage, ModelHolder models, EventPublisher publisher) {
        this.storage = storage;
        this.models = models;
        this.publisher = publisher;
    }

    public static String adversarialKey(String userId, String attackId) {
        return "adversarial/" + userId + "/" + attackId + ".png";
    }

    public static String perturbationKey(String userId, String attackId) {
        return "adversarial/" + userId + "/" + attackId + "-perturbation.png";
    }

    @KafkaListener(id = "adversarial-worker", topics = Topics.ATTACK_REQUESTS,
            groupId = "${aegis.adversarial.worker-group:adversarial-worker}")
    public void onRequest(CloudEvent<?> event) {
        if (!(event.data() instanceof AttackRequested request)) {
            log.info("ignoring event {} of type {} on {}", event.id(), event.type(), Topics.ATTACK_REQUESTS);
            return;
        }
        AttackCompleted result = process(event.userid(), request, event.time());
        publisher.publishAndWait(Topics.ATTACK_RESULTS, CloudEvent.derived(KafkaConfig.resultEventId(request.attackId()),
                KafkaConfig.WORKER_SOURCE, EventTypes.ATTACK_COMPLETED, request.attackId(), event.userid(),
                event.correlationid(), result));
    }

    AttackCompleted process(String userId, AttackRequested request, Instant requestedAt) {
        long start = System.nanoTime();
        long queuedMs = requestedAt == null ? 0 : Math.max(0, Duration.between(requestedAt, Instant.now()).toMillis());
        // the API only names keys under the user's own prefix; a forged event must not read another user's image
        if (request.imageKey() == null || !request.imageKey().startsWith("uploads/" + userId + "/")) {
            return failed(request, "the image key is not under the user's uploads");
        }
        StoredObject image = storage.get(request.imageKey()).block(IO_TIMEOUT);
        if (image == null) {
            return failed(request, "the image " + request.imageId() + " no longer exists (it was deleted meanwhile)");
        }
        long fetched = System.nanoTime();
        java.awt.image.BufferedImage decoded;
        try {
            decoded = decoder.decode(image.bytes());
        } catch (ImageRejectedException e) {
            return failed(request, "the stored image cannot be decoded: " + e.getMessage());
        }
        Optional<ModelHolder.Lease> lease = models.acquire();
        if (lease.isEmpty()) {
            return failed(request, "no model is active");
        }
        try (ModelHolder.Lease model = lease.get()) {
            AttackEngine.Outcome outcome;
            long attackStart = System.nanoTime();
            try {
                AttackSpec spec = AttackEngine.spec(request.parameters(), seed(request.attackId()));
                outcome = AttackEngine.run(model.model(), model.detector(), decoded, spec);
            } catch (InvalidAttackException e) {
                return failed(request, e.getMessage());
            }
            long inferenceMs = (System.nanoTime() - attackStart) / 1_000_000;
            String advKey = adversarialKey(userId, request.attackId());
            String pertKey = perturbationKey(userId, request.attackId());
            Map<String, String> meta = Map.of("attack-id", request.attackId());
            storage.put(advKey, outcome.adversarialPng(), "image/png", meta).block(IO_TIMEOUT);
            storage.put(pertKey, outcome.perturbationPng(), "image/png", meta).block(IO_TIMEOUT);
            long totalMs = (System.nanoTime() - start) / 1_000_000;
            DetectorVerdict verdict = outcome.detector() == null ? null
                    : new DetectorVerdict(outcome.detector().score(), outcome.detector().threshold(),
                            outcome.detector().flagged());
            return new AttackCompleted(request.attackId(), request.imageId(), request.imageKey(), advKey, pertKey,
                    request.parameters(), AttackCompleted.Status.DONE,
                    new AttackCompleted.LabelScore(outcome.originalLabel(), outcome.originalConfidence()),
                    new AttackCompleted.LabelScore(outcome.adversarialLabel(), outcome.adversarialConfidence()),
                    outcome.success(), outcome.linf(), outcome.l2(), model.ref(), verdict,
                    new Timings(queuedMs, (fetched - start) / 1_000_000, inferenceMs, totalMs), null);
        }
    }

    private static AttackCompleted failed(AttackRequested request, String reason) {
        log.info("attack {} failed: {}", request.attackId(), reason);
        return new AttackCompleted(request.attackId(), request.imageId(), request.imageKey(), null, null,
                request.parameters(), AttackCompleted.Status.FAILED, null, null, null, null, null, null, null, null,
                reason);
    }

    /** PGD's random start depends only on the attack, so a redelivery stores the same image. */
    static long seed(String attackId) {
        long h = 1125899906842597L;
        for (byte b : attackId.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return h;
    }
}
