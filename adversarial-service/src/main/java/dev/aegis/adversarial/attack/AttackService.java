package dev.aegis.adversarial.attack;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.util.IdGenerator;

import dev.aegis.adversarial.AdversarialProperties;
import dev.aegis.adversarial.image.UserImages;
import dev.aegis.adversarial.messaging.EventPublisher;
import dev.aegis.adversarial.model.ActiveModelCatalog;
import dev.aegis.events.AttackParameters;
import dev.aegis.events.AttackRequested;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventTypes;
import dev.aegis.events.Topics;
import dev.aegis.support.problem.NotFoundException;
import dev.aegis.support.storage.ObjectStorage;
import dev.aegis.support.storage.StoredObject;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Accepts attacks (record PENDING, then publish) and reads them back for their owner. */
@Service
public class AttackService {

    static final URI API_SOURCE = URI.create("/aegis/adversarial-service/api");
    private static final Duration POLL = Duration.ofMillis(200);

    private final AttackStore store;
    private final UserImages images;
    private final ObjectStorage storage;
    private final EventPublisher publisher;
    private final ActiveModelCatalog catalog;
    private final AttackInputValidator validator;
    private final AdversarialProperties properties;
    private final IdGenerator ids;

    public AttackService(AttackStore store, UserImages images, ObjectStorage storage, EventPublisher publisher,
                         ActiveModelCatalog catalog, AdversarialProperties properties, IdGenerator ids) {
        this.ids = ids;
        this.store = store;
        this.images = images;
        this.storage = storage;
        this.publisher = publisher;
        this.catalog = catalog;
        this.properties = properties;
        this.validator = new AttackInputValidator(properties);
    }

    /** Validates the parameters against the active model's labels. */
    public Mono<AttackParameters> validate(AttackInputValidator.RawInput input) {
        if (input.get("targetLabel") == null) {
            return Mono.fromCallable(() -> validator.validate(input, null));
        }
        return catalog.active()
                .map(model -> validator.validate(input, model.labels()))
                .switchIfEmpty(Mono.error(NoActiveModelException::new));
    }

    /** Records the attack as PENDING, then asks a worker for it. */
    public Mono<AttackRecord> submit(String userId, String imageId, String imageKey, AttackParameters parameters,
                                     String reportId, String trueLabel, String correlationId) {
        String id = ids.generateId().toString();
        String correlation = correlationId == null || correlationId.isBlank() ? id : correlationId;
        AttackRecord record = AttackRecord.pending(id, userId, imageId, imageKey, parameters, reportId, trueLabel,
                correlation);
        CloudEvent<AttackRequested> event = CloudEvent.of(API_SOURCE, EventTypes.ATTACK_REQUESTED, id, userId,
                correlation, new AttackRequested(id, imageId, imageKey, parameters));
        return store.insert(record).flatMap(saved -> publisher.publish(Topics.ATTACK_REQUESTS, event).thenReturn(saved));
    }

    public Mono<String> imageKey(String userId, String imageId) {
        return images.existing(userId, imageId);
    }

    public Mono<String> upload(String userId, byte[] bytes) {
        return images.store(userId, bytes);
    }

    public Mono<AttackRecord> get(String userId, String id) {
        return store.find(userId, id).switchIfEmpty(Mono.error(() -> new NotFoundException("attack", id)));
    }

    /** Long-poll: the record as soon as it is no longer PENDING, or as it is after {@code wait}. */
    public Mono<AttackRecord> await(String userId, String id, Duration wait) {
        Duration bounded = wait.compareTo(properties.maxWait()) > 0 ? properties.maxWait() : wait;
        if (bounded.isZero() || bounded.isNegative()) {
            return get(userId, id);
        }
        // Polling the store (not an in-memory signal) works whichever API replica consumed the result.
        return get(userId, id).flatMap(first -> first.status() != AttackRecord.Status.PENDING ? Mono.just(first)
                : Flux.interval(POLL)
                        // a slow read skips ticks instead of overflowing the interval
                        .onBackpressureDrop()
                        .concatMap(tick -> get(userId, id), 1)
                        .filter(r -> r.status() != AttackRecord.Status.PENDING)
                        .next()
                        .timeout(bounded, get(userId, id)));
    }

    /** Bytes of a finished attack's image; 404 while it is not DONE. */
    public Mono<StoredObject> download(String userId, String id, boolean perturbation) {
        return get(userId, id)
                .filter(r -> r.status() == AttackRecord.Status.DONE)
                .switchIfEmpty(Mono.error(() -> new NotFoundException("finished attack", id)))
                .flatMap(r -> storage.get(perturbation ? r.perturbationKey() : r.adversarialKey()))
                .switchIfEmpty(Mono.error(() -> new NotFoundException("attack image", id)));
    }

    public List<dev.aegis.adversarial.attack.Presets.Preset> presets() {
        return Presets.SEED;
    }

    /** No model has been activated yet, so target labels cannot be checked (503). */
    public static class NoActiveModelException extends RuntimeException {
        public NoActiveModelException() {
            super("no model is active yet; an administrator must activate one");
        }
    }
}
