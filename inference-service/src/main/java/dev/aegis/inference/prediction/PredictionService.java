package dev.aegis.inference.prediction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventTypes;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.events.PredictionRequested;
import dev.aegis.events.Topics;
import dev.aegis.inference.InferenceProperties;
import dev.aegis.inference.messaging.EventPublisher;
import dev.aegis.inference.upload.UploadStore;
import dev.aegis.inference.upload.ValidatedImage;
import dev.aegis.support.problem.NotFoundException;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Creates predictions, answers their state and applies the workers' results. */
@Service
public class PredictionService {

    private static final Logger log = LoggerFactory.getLogger(PredictionService.class);

    private final ReactiveMongoTemplate mongo;
    private final UploadStore uploads;
    private final EventPublisher publisher;
    // Wakes long-polls of this instance at once with the updated record itself (no re-read);
    // the periodic re-read covers results applied by another API instance.
    private final Sinks.Many<PredictionDocument> completed = Sinks.many().multicast().directBestEffort();
    private final long inlineMaxBytes;

    // The re-read only matters for results another API instance applied: a waiter of this
    // instance is woken by the sink. At 200 ms, 256 concurrent long-polls were ~1300 MongoDB
    // reads a second competing with the pipeline itself.
    private final Duration pollInterval;

    public PredictionService(ReactiveMongoTemplate mongo, UploadStore uploads, EventPublisher publisher,
                             InferenceProperties properties,
                             @Value("${aegis.inference.await-poll-interval:1s}") Duration pollInterval) {
        this.mongo = mongo;
        this.uploads = uploads;
        this.publisher = publisher;
        this.pollInterval = pollInterval;
        this.inlineMaxBytes = properties.inlineMaxSize().toBytes();
    }

    /** Stores the image (once per user and content), records PENDING, then asks a worker. */
    public Mono<PredictionDocument> submit(String userId, ValidatedImage image) {
        String id = UUID.randomUUID().toString();
        PredictionDocument doc = PredictionDocument.pending(id, userId, image.sha256(),
                UploadStore.key(userId, image.sha256()), image.contentType(), image.name(), null);
        // The object and the record are written at the same time (one round trip less on every
        // request's path); the request is published only once both exist. If either failed, the
        // record (if it was written) says so instead of staying PENDING without a request.
        return Mono.zipDelayError(uploads.store(userId, image), mongo.insert(doc))
                .onErrorResume(e -> {
                    Throwable cause = Exceptions.unwrapMultiple(e).get(0);
                    return markFailed(id, "could not be stored: " + cause.getMessage())
                            .onErrorResume(ignored -> Mono.empty())
                            .then(Mono.error(cause));
                })
                .flatMap(stored -> publish(stored.getT2(), null, image.bytes()).thenReturn(stored.getT2()));
    }

    /** A prediction of an image this user uploaded before (for example after a model change). */
    public Mono<PredictionDocument> resubmit(String userId, String imageId, String contentType, String fileName,
                                             byte[] bytes) {
        return create(userId, imageId, UploadStore.key(userId, imageId), contentType, fileName, bytes);
    }

    private Mono<PredictionDocument> create(String userId, String imageId, String key, String contentType,
                                            String fileName, byte[] bytes) {
        String id = UUID.randomUUID().toString();
        PredictionDocument doc = PredictionDocument.pending(id, userId, imageId, key, contentType, fileName, null);
        // Insert strictly before publishing: a worker that saw the request before the record
        // existed would take it for an erased user's and skip it.
        return mongo.insert(doc).flatMap(saved -> publish(saved, null, bytes).thenReturn(saved));
    }

    /**
     * Records and publishes many predictions (a batch); images must already be stored.
     * {@code bytes} gives each record's image bytes for the inline fast path (null: fetch from storage).
     */
    public Flux<PredictionDocument> createAll(List<PredictionDocument> docs, String correlationId,
                                              Function<PredictionDocument, byte[]> bytes) {
        return mongo.insertAll(docs)
                .concatMap(saved -> publish(saved, correlationId, bytes.apply(saved)).thenReturn(saved), 16);
    }

    private Mono<Void> publish(PredictionDocument d, String correlationId, byte[] bytes) {
        byte[] inline = bytes != null && bytes.length <= inlineMaxBytes ? bytes : null;
        CloudEvent<PredictionRequested> event = CloudEvent.of(EventPublisher.SOURCE, EventTypes.PREDICTION_REQUESTED,
                d.id(), d.userId(), correlationId == null ? d.id() : correlationId,
                new PredictionRequested(d.id(), d.imageId(), d.imageKey(), d.contentType(), d.batchId(), d.fileName(),
                        inline));
        return publisher.publish(Topics.PREDICTION_REQUESTS, d.id(), event)
                .onErrorResume(e -> {
                    // Without the event no worker will ever answer: say so instead of staying PENDING.
                    log.warn("prediction {} could not be queued: {}", d.id(), e.toString());
                    return markFailed(d.id(), "could not be queued: " + e.getMessage())
                            .then(Mono.error(new QueueUnavailableException(e)));
                });
    }

    private Mono<Void> markFailed(String id, String error) {
        return mongo.updateFirst(Query.query(Criteria.where("_id").is(id)),
                Update.update("status", PredictionStatus.FAILED).set("error", error).set("completedAt", Instant.now()),
                PredictionDocument.class).then();
    }

    public Mono<PredictionDocument> find(String userId, String id) {
        return mongo.findById(id, PredictionDocument.class)
                .filter(d -> d.userId().equals(userId))
                .switchIfEmpty(Mono.error(() -> new NotFoundException("prediction", id)));
    }

    /** The prediction once it is no longer PENDING, or as it is when {@code wait} has passed. */
    public Mono<PredictionDocument> await(String userId, String id, Duration wait) {
        return find(userId, id).flatMap(first -> {
            if (first.status() != PredictionStatus.PENDING || wait.isZero()) {
                return Mono.just(first);
            }
            // the signal first, then one more read: a result applied between the first read and
            // the subscription is seen by that read
            return Flux.merge(completed.asFlux().filter(d -> id.equals(d.id()) && userId.equals(d.userId())),
                            find(userId, id).flux(),
                            Flux.interval(pollInterval).onBackpressureDrop().concatMap(x -> find(userId, id)))
                    .filter(d -> d.status() != PredictionStatus.PENDING)
                    .next()
                    .timeout(wait, find(userId, id));
        });
    }

    /**
     * Applies a worker's result. Only a PENDING record of the event's user changes, so a
     * redelivered result, a result for a cancelled item and a result for an erased user are all
     * no-ops: the update is idempotent.
     */
    public Mono<Boolean> apply(CloudEvent<PredictionCompleted> event) {
        PredictionCompleted r = event.data();
        Query query = Query.query(Criteria.where("_id").is(r.predictionId())
                .and("userId").is(event.userid())
                .and("status").is(PredictionStatus.PENDING));
        List<PredictionDocument.LabelProbability> probabilities = null;
        if (r.probabilities() != null) {
            probabilities = new ArrayList<>();
            for (Map.Entry<String, Double> e : r.probabilities().entrySet()) {
                probabilities.add(new PredictionDocument.LabelProbability(e.getKey(), e.getValue()));
            }
        }
        Update update = Update.update("status", r.status() == PredictionCompleted.Status.DONE
                        ? PredictionStatus.DONE : PredictionStatus.FAILED)
                .set("label", r.label())
                .set("confidence", r.confidence())
                .set("probabilities", probabilities)
                .set("model", r.model())
                .set("detector", r.detector())
                .set("timings", r.timings())
                .set("error", r.error())
                .set("resultEventId", event.id())
                .set("completedAt", Instant.now());
        // one round trip that also answers the new record, which wakes this instance's waiters
        // without each of them reading it again
        return mongo.findAndModify(query, update, FindAndModifyOptions.options().returnNew(true),
                        PredictionDocument.class)
                .doOnNext(updated -> {
                    synchronized (completed) {
                        completed.tryEmitNext(updated);
                    }
                })
                .map(updated -> Boolean.TRUE)
                .defaultIfEmpty(Boolean.FALSE);
    }

    /** Erasure: every prediction record of the user. */
    public Mono<Long> deleteAll(String userId) {
        return mongo.remove(Query.query(Criteria.where("userId").is(userId)), PredictionDocument.class)
                .map(r -> r.getDeletedCount());
    }
}
