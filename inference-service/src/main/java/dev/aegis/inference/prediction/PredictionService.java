package dev.aegis.inference.prediction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import org.springframework.util.IdGenerator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

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
    private static final int PARALLEL_ITEM_UPDATES = 32;

    private final ReactiveMongoTemplate mongo;
    private final RecordInserter inserter;
    private final UploadStore uploads;
    private final EventPublisher publisher;
    // Wakes long-polls of this instance at once with the result itself (no re-read).
    private final Sinks.Many<AppliedResult> completed = Sinks.many().multicast().directBestEffort();
    // Results of single predictions whose write has not landed yet: their waiters were already
    // answered, so a read on this instance must not show the record as still PENDING.
    private final Map<String, AppliedResult> unapplied = new ConcurrentHashMap<>();
    // Single predictions created on this instance whose result has not been applied here: a
    // long-poll of one knows it exists and whose it is without reading MongoDB (one command per
    // request less). Bounded and expiring: results another instance applies never remove theirs.
    private final Cache<String, PredictionDocument> createdHere = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(5)).maximumSize(100_000).build();
    private final long inlineMaxBytes;

    // The re-read only matters for results another API instance applies: a waiter of this
    // instance is woken by the sink, and skips the re-read while its result's partition is here.
    private final Duration pollInterval;
    private final ResultOwnership ownership;
    private final IdGenerator ids;

    public PredictionService(ReactiveMongoTemplate mongo, RecordInserter inserter, UploadStore uploads,
                             EventPublisher publisher,
                             InferenceProperties properties, ResultOwnership ownership, IdGenerator ids,
                             @Value("${aegis.inference.await-poll-interval:1s}") Duration pollInterval) {
        this.ids = ids;
        this.ownership = ownership;
        this.mongo = mongo;
        this.inserter = inserter;
        this.uploads = uploads;
        this.publisher = publisher;
        this.pollInterval = pollInterval;
        this.inlineMaxBytes = properties.inlineMaxSize().toBytes();
    }

    /** Stores the image (once per user and content), records PENDING, then asks a worker. */
    public Mono<PredictionDocument> submit(String userId, ValidatedImage image) {
        String id = ids.generateId().toString();
        PredictionDocument doc = PredictionDocument.pending(id, userId, image.sha256(),
                UploadStore.key(userId, image.sha256()), image.contentType(), image.name(), null);
        // The object and the record are written at the same time (one round trip less on every
        // request's path). An image small enough to travel inside the request event does not
        // need the object for the worker, so its request is published as soon as the record
        // exists, while the object is still being written; a larger one is published only once
        // both exist (the worker fetches it). If storing failed, the record says so instead of
        // staying PENDING or showing a result whose original was lost (markFailed overwrites
        // a result that was applied in between).
        boolean inline = image.bytes().length <= inlineMaxBytes;
        // remembered before the request is published: its result may be applied at once
        Mono<PredictionDocument> recorded = inserter.insert(doc).doOnNext(saved -> createdHere.put(saved.id(), saved));
        Mono<PredictionDocument> queued = inline
                ? Mono.zipDelayError(uploads.store(userId, image), recorded.flatMap(saved ->
                        publish(saved, null, image.bytes()).thenReturn(saved))).map(t -> t.getT2())
                : Mono.zipDelayError(uploads.store(userId, image), recorded).map(t -> t.getT2())
                        .flatMap(saved -> publish(saved, null, image.bytes()).thenReturn(saved));
        return queued.onErrorResume(e -> {
            Throwable cause = Exceptions.unwrapMultiple(e).get(0);
            if (cause instanceof QueueUnavailableException) {
                // publish already marked the record FAILED
                return Mono.error(cause);
            }
            return markFailed(id, "could not be stored: " + cause.getMessage())
                    .onErrorResume(ignored -> Mono.empty())
                    .then(Mono.error(cause));
        });
    }

    /** A prediction of an image this user uploaded before (for example after a model change). */
    public Mono<PredictionDocument> resubmit(String userId, String imageId, String contentType, String fileName,
                                             byte[] bytes) {
        return create(userId, imageId, UploadStore.key(userId, imageId), contentType, fileName, bytes);
    }

    private Mono<PredictionDocument> create(String userId, String imageId, String key, String contentType,
                                            String fileName, byte[] bytes) {
        String id = ids.generateId().toString();
        PredictionDocument doc = PredictionDocument.pending(id, userId, imageId, key, contentType, fileName, null);
        // Insert strictly before publishing: a worker that saw the request before the record
        // existed would take it for an erased user's and skip it.
        return inserter.insert(doc).doOnNext(saved -> createdHere.put(saved.id(), saved))
                .flatMap(saved -> publish(saved, null, bytes).thenReturn(saved));
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
        createdHere.invalidate(id);
        return mongo.updateFirst(Query.query(Criteria.where("_id").is(id)),
                Update.update("status", PredictionStatus.FAILED).set("error", error).set("completedAt", Instant.now()),
                PredictionDocument.class).then();
    }

    public Mono<PredictionDocument> find(String userId, String id) {
        return Mono.defer(() -> {
            // A result whose write lands while this read is in flight has left `unapplied` by the
            // time the read answers PENDING: the entry seen before reading covers that window.
            // (Without it a long-poll whose wake-up came before it listened waited out its whole
            // wait: the bench's batch-1 phase once took 120 s for 256 images.)
            AppliedResult before = unapplied.get(id);
            return mongo.findById(id, PredictionDocument.class)
                    .filter(d -> d.userId().equals(userId))
                    .map(d -> withUnapplied(d, before));
        }).switchIfEmpty(Mono.error(() -> new NotFoundException("prediction", id)));
    }

    /** The prediction once it is no longer PENDING, or as it is when {@code wait} has passed. */
    public Mono<PredictionDocument> await(String userId, String id, Duration wait) {
        if (wait.isZero()) {
            return find(userId, id);
        }
        return Mono.defer(() -> {
            // Listening first, then the record: a result applied before it is in its answer, one
            // applied after it wakes the listener. The record is the one this instance created,
            // else one MongoDB read, which also checks the owner: another user's id fails with 404.
            Mono<PredictionDocument> read = createdHereAsKnown(userId, id).switchIfEmpty(find(userId, id)).cache();
            Flux<PredictionDocument> woken = completed.asFlux()
                    .filter(r -> id.equals(r.predictionId()) && userId.equals(r.userId()))
                    .concatMap(r -> read.map(r::applyTo));
            return Flux.merge(woken, read.flux(),
                            Flux.interval(pollInterval).onBackpressureDrop()
                                    .filter(x -> !ownership.appliedHere(id))
                                    .concatMap(x -> find(userId, id)))
                    .filter(d -> d.status() != PredictionStatus.PENDING)
                    .next()
                    .timeout(wait, find(userId, id));
        });
    }

    /**
     * The record as this instance knows it, when it created it and has not applied its result yet
     * (then it is still PENDING here, or its result is in {@code unapplied}); empty otherwise,
     * another user's id included (the read from MongoDB then answers 404).
     */
    private Mono<PredictionDocument> createdHereAsKnown(String userId, String id) {
        return Mono.fromSupplier(() -> {
            // unapplied first: the write's landing removes createdHere's entry before unapplied's
            AppliedResult before = unapplied.get(id);
            PredictionDocument known = createdHere.getIfPresent(id);
            return known == null || !known.userId().equals(userId) ? null : withUnapplied(known, before);
        });
    }

    /**
     * Applies a poll of workers' results. Only a PENDING record of the event's user changes, so a
     * redelivered result, a result for a cancelled item and a result for an erased user are all
     * no-ops: the update is idempotent.
     * <p>
     * A single prediction (not a batch item) cannot be cancelled, so its result is final: its
     * long-polls are answered from the event while the write runs, one MongoDB round trip less
     * before the caller sees it, and until the write lands reads on this instance show the
     * result too. These writes go as one bulk write per poll (one command instead of one per
     * result: the MongoDB server's per-command cost dominated under load). A batch item's
     * waiters are woken only once its own update changed the record (a cancel may have come
     * first), so those updates stay one per item, run concurrently.
     */
    public Mono<Void> applyAll(List<CloudEvent<PredictionCompleted>> events) {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<AppliedResult> singles = new ArrayList<>();
        List<AppliedResult> batchItems = new ArrayList<>();
        for (CloudEvent<PredictionCompleted> event : events) {
            AppliedResult result = AppliedResult.of(event, now);
            if (event.data().batchId() == null) {
                unapplied.put(result.predictionId(), result);
                wake(result);
                singles.add(result);
            } else {
                batchItems.add(result);
            }
        }
        Mono<Void> bulk = Mono.empty();
        if (!singles.isEmpty()) {
            var operations = mongo.bulkOps(BulkMode.UNORDERED, PredictionDocument.class);
            singles.forEach(r -> operations.updateOne(pendingOf(r), r.update()));
            // createdHere before unapplied: a long-poll that finds no unapplied result and then
            // the PENDING record this instance created would otherwise miss a result applied
            // before it listened (see createdHereAsKnown)
            Runnable landed = () -> singles.forEach(r -> {
                createdHere.invalidate(r.predictionId());
                unapplied.remove(r.predictionId(), r);
            });
            // before the completion goes on (not after, as doFinally): whoever waits for this poll
            // to be applied then sees the records themselves
            bulk = operations.execute().then().doOnTerminate(landed).doOnCancel(landed);
        }
        Mono<Void> items = Flux.fromIterable(batchItems)
                .flatMap(r -> mongo.updateFirst(pendingOf(r), r.update(), PredictionDocument.class)
                        .doOnNext(update -> {
                            if (update.getModifiedCount() > 0) {
                                wake(r);
                            }
                        }), PARALLEL_ITEM_UPDATES)
                .then();
        return Mono.when(bulk, items);
    }

    private static Query pendingOf(AppliedResult r) {
        return Query.query(Criteria.where("_id").is(r.predictionId())
                .and("userId").is(r.userId())
                .and("status").is(PredictionStatus.PENDING));
    }

    private void wake(AppliedResult result) {
        synchronized (completed) {
            completed.tryEmitNext(result);
        }
    }

    private PredictionDocument withUnapplied(PredictionDocument d, AppliedResult before) {
        if (d.status() != PredictionStatus.PENDING) {
            return d;
        }
        AppliedResult now = unapplied.get(d.id());
        AppliedResult result = now != null ? now : before;
        return result == null || !result.userId().equals(d.userId()) ? d : result.applyTo(d);
    }

    /** Erasure: every prediction record of the user. */
    public Mono<Long> deleteAll(String userId) {
        createdHere.asMap().values().removeIf(d -> d.userId().equals(userId));
        return mongo.remove(Query.query(Criteria.where("userId").is(userId)), PredictionDocument.class)
                .map(r -> r.getDeletedCount());
    }
}
