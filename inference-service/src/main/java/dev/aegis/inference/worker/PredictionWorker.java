package dev.aegis.inference.worker;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.core.log.LogAccessor;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventIds;
import dev.aegis.events.EventTypes;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.events.PredictionRequested;
import dev.aegis.events.Timings;
import dev.aegis.events.Topics;
import dev.aegis.inference.InferenceProperties;
import dev.aegis.inference.messaging.EventPublisher;
import dev.aegis.inference.prediction.PredictionDocument;
import dev.aegis.inference.prediction.PredictionStatus;
import dev.aegis.model.Prediction;
import dev.aegis.model.image.ImageDecoder;
import dev.aegis.model.image.ImageRejectedException;
import dev.aegis.support.storage.ObjectStorage;
import dev.aegis.support.storage.StoredObject;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Consumes prediction requests a poll at a time (batch listener), fetches and decodes the
 * images, hands them to the {@link DynamicBatcher}, and publishes one result per request. The
 * listener returns, and the container commits the poll's offsets, only after the broker
 * acknowledged every result: a crash before that redelivers the requests, and the results they
 * produce again carry the same event ids (derived from the prediction id), so consumers dedupe.
 * A failure that a retry cannot fix (missing or corrupt image, detector rejection) is a FAILED
 * result; a failure that might pass (storage or Kafka down) is thrown, retried by the container's
 * error handler and finally dead-lettered. Records that are not even events go to the DLT at once.
 */
@Component
@Profile("worker")
class PredictionWorker {

    private static final Logger log = LoggerFactory.getLogger(PredictionWorker.class);
    private static final LogAccessor LOG_ACCESSOR = new LogAccessor(PredictionWorker.class);
    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(2);
    private static final int FETCH_PARALLELISM = 16;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

    private final ObjectStorage storage;
    private final DynamicBatcher batcher;
    private final KafkaTemplate<String, CloudEvent<?>> template;
    private final DeadLetterPublishingRecoverer deadLetters;
    private final ReactiveMongoTemplate mongo;
    private final InferenceProperties properties;
    private final MeterRegistry meters;
    private final ImageDecoder decoder;

    PredictionWorker(ObjectStorage storage, DynamicBatcher batcher, KafkaTemplate<String, CloudEvent<?>> template,
                     DeadLetterPublishingRecoverer deadLetters, ReactiveMongoTemplate mongo,
                     InferenceProperties properties, MeterRegistry meters) {
        this.storage = storage;
        this.batcher = batcher;
        this.template = template;
        this.deadLetters = deadLetters;
        this.mongo = mongo;
        this.properties = properties;
        this.meters = meters;
        this.decoder = new ImageDecoder(properties.maxPixels());
    }

    /** The result event's id: the same for every redelivery of one request. */
    static String resultEventId(String predictionId) {
        return EventIds.derived("aegis.prediction.result", predictionId);
    }

    private record Work(CloudEvent<PredictionRequested> event, long pickedUp, long fetchMs, BufferedImage image,
                        CompletableFuture<DynamicBatcher.Outcome> outcome, String failure) {

        Work queued(CompletableFuture<DynamicBatcher.Outcome> outcome) {
            return new Work(event, pickedUp, fetchMs, null, outcome, failure);
        }
    }

    @KafkaListener(id = "inference-worker", groupId = "${aegis.inference.worker-group:inference-worker}", topics = Topics.PREDICTION_REQUESTS,
            containerFactory = "workerBatchFactory", concurrency = "${aegis.inference.worker-concurrency:2}",
            properties = "max.poll.records=${aegis.inference.batch.max-size:32}")
    void onRequests(List<ConsumerRecord<String, CloudEvent<?>>> records) throws Exception {
        long pickedUp = System.currentTimeMillis();
        long pickedUpNanos = System.nanoTime();
        List<CloudEvent<PredictionRequested>> requests = new ArrayList<>();
        for (ConsumerRecord<String, CloudEvent<?>> record : records) {
            if (record.value() == null) {
                DeserializationException poison = SerializationUtils.getExceptionFromHeader(record,
                        SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG_ACCESSOR);
                Exception cause = poison != null ? poison
                        : new IllegalArgumentException("record without a value (tombstone)");
                log.warn("poison record {}-{}@{} to the dead-letter topic: {}", record.topic(), record.partition(),
                        record.offset(), cause.getMessage());
                meters.counter("aegis.inference.errors", "stage", "poison").increment();
                // same recoverer as the container's DefaultErrorHandler: raw bytes + failure headers
                deadLetters.accept(record, cause);
                continue;
            }
            if (!(record.value().data() instanceof PredictionRequested)) {
                meters.counter("aegis.inference.events.ignored", "type", record.value().type()).increment();
                continue;
            }
            @SuppressWarnings("unchecked")
            CloudEvent<PredictionRequested> request = (CloudEvent<PredictionRequested>) record.value();
            requests.add(request);
        }
        if (requests.isEmpty()) {
            return;
        }
        // The states query runs beside fetch + decode. A poll of one request outside a batch (an
        // idle worker, where latency counts) goes to the model beside the query too, and its
        // result is dropped after the model if its record is gone (erased user): the MongoDB
        // round trip leaves its path. Every other request waits for its state before the model,
        // which costs nothing more when a poll holds several (the query has answered by the time
        // they are decoded): a cancelled batch or a backlog of erased users' requests costs no
        // model call (the pipeline bench leaves thousands per run; a stack worker restarted after
        // a day of them answered new requests only minutes later).
        // Fetch + decode in parallel: one object-store round trip per image would otherwise
        // serialise the whole poll behind storage latency. Composed, not blocking inside: the
        // storage calls run on bounded-elastic themselves, and a bounded-elastic task that
        // blocked on another one starved that pool (10 threads per core) at two consumers x 16
        // fetches: fetches then waited out their 30 s timeout.
        CompletableFuture<Map<String, PredictionStatus>> statesRead = states(requests).toFuture();
        List<Work> prepared = Flux.fromIterable(requests)
                .flatMapSequential(request -> prepare(request, pickedUp, requests.size() == 1), FETCH_PARALLELISM)
                .collectList()
                .block(RESULT_TIMEOUT);
        long preparedAt = System.nanoTime();
        stage("prepare", pickedUpNanos, preparedAt);
        boolean alone = prepared.size() == 1 && prepared.get(0).event().data().batchId() == null;
        List<Work> queuedAlone = alone ? queued(prepared) : null;
        Map<String, PredictionStatus> states = statesRead.get(RESULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<Work> work = alone ? queuedAlone : queued(prepared.stream().filter(w -> live(states, w)).toList());
        List<CompletableFuture<?>> sends = new ArrayList<>(work.size());
        long sent = 0;
        for (Work w : work) {
            PredictionCompleted result = complete(w);
            if (sent == 0) {
                sent = System.nanoTime();
                stage("model", preparedAt, sent);
            }
            // the others were checked before the model
            if (alone && !live(states, w)) {
                continue;
            }
            CloudEvent<PredictionCompleted> event = CloudEvent.derived(resultEventId(w.event().data().predictionId()),
                    EventPublisher.SOURCE, EventTypes.PREDICTION_COMPLETED, w.event().data().predictionId(),
                    w.event().userid(), w.event().correlationid(), result);
            sends.add(template.send(Topics.PREDICTION_RESULTS, w.event().data().predictionId(), event));
            meters.counter("aegis.inference.predictions", "status", result.status().name()).increment();
        }
        // offsets are committed when this method returns: only after every result is acknowledged
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(RESULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (sent != 0) {
            stage("result-ack", sent, System.nanoTime());
        }
    }

    /** The decoded images of {@code items} queued for the model together (one batch, not a lone first call). */
    private List<Work> queued(List<Work> items) {
        List<CompletableFuture<DynamicBatcher.Outcome>> outcomes = batcher.submitAll(
                items.stream().filter(w -> w.image() != null).map(Work::image).toList());
        int next = 0;
        List<Work> queued = new ArrayList<>(items.size());
        for (Work w : items) {
            queued.add(w.image() == null ? w : w.queued(outcomes.get(next++)));
        }
        return queued;
    }

    /** False for a cancelled batch item or a request whose record is gone (erased user): nothing to answer. */
    private boolean live(Map<String, PredictionStatus> states, Work w) {
        PredictionStatus state = states.get(w.event().data().predictionId());
        if (state == null || state == PredictionStatus.CANCELLED) {
            meters.counter("aegis.inference.skipped", "reason", state == null ? "unknown" : "cancelled").increment();
            return false;
        }
        return true;
    }

    /**
     * Where a poll's time goes inside the worker ({@code aegis.inference.worker.stage}): prepare =
     * picked up -> states read and images decoded, model = -> first result built (waits for the
     * batcher), result-ack = first result sent -> every result acknowledged by the broker.
     */
    private void stage(String stage, long fromNanos, long toNanos) {
        meters.timer("aegis.inference.worker.stage", "stage", stage).record(toNanos - fromNanos, TimeUnit.NANOSECONDS);
    }

    /** Current states of the requested predictions, in one query. */
    private Mono<Map<String, PredictionStatus>> states(List<CloudEvent<PredictionRequested>> requests) {
        List<String> ids = requests.stream().map(r -> r.data().predictionId()).toList();
        Query query = Query.query(Criteria.where("_id").in(ids));
        query.fields().include("_id", "status");
        return mongo.find(query, PredictionDocument.class)
                .collectMap(PredictionDocument::id, PredictionDocument::status, HashMap::new)
                .timeout(Duration.ofSeconds(30));
    }

    private Mono<Work> prepare(CloudEvent<PredictionRequested> request, long pickedUp, boolean lone) {
        byte[] inline = request.data().inlineImage();
        if (inline != null) {
            // claim check with an inline fast path: small images travel in the event, no fetch
            meters.counter("aegis.inference.images", "source", "inline").increment();
            Mono<Work> decoded = Mono.fromCallable(() -> decode(request, pickedUp, 0, inline));
            // a lone request decodes on the consumer thread: a hand-off would only add latency
            return lone ? decoded : decoded.subscribeOn(Schedulers.parallel());
        }
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return fetch(request.data().imageKey()).map(object -> {
                long fetchMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                meters.counter("aegis.inference.images", "source", "storage").increment();
                if (object.isEmpty()) {
                    return new Work(request, pickedUp, fetchMs, null, null, "the image no longer exists");
                }
                return decode(request, pickedUp, fetchMs, object.get().bytes());
            });
        });
    }

    private Work decode(CloudEvent<PredictionRequested> request, long pickedUp, long fetchMs, byte[] bytes) {
        BufferedImage image;
        try {
            image = decoder.decode(bytes);
        } catch (ImageRejectedException e) {
            return new Work(request, pickedUp, fetchMs, null, null, "the image cannot be decoded: " + e.getMessage());
        }
        return new Work(request, pickedUp, fetchMs, image, null, null);
    }

    /** The stored image, empty if it does not exist; storage outages are retried, then thrown. */
    private Mono<Optional<StoredObject>> fetch(String key) {
        return storage.get(key).map(Optional::of).defaultIfEmpty(Optional.empty())
                .timeout(FETCH_TIMEOUT)
                .doOnError(e -> meters.counter("aegis.inference.errors", "stage", "fetch").increment())
                .retryWhen(Retry.backoff(Math.max(0, properties.fetchRetries() - 1), Duration.ofMillis(200))
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private PredictionCompleted complete(Work w) throws Exception {
        PredictionRequested r = w.event().data();
        long queuedMs = Math.max(0, w.pickedUp() - (w.event().time() == null ? w.pickedUp()
                : w.event().time().toEpochMilli()));
        if (w.failure() != null) {
            meters.counter("aegis.inference.errors", "stage", "input").increment();
            return failed(r, w.failure(), new Timings(queuedMs, w.fetchMs(), 0, total(w)));
        }
        DynamicBatcher.Outcome o;
        try {
            o = w.outcome().get(RESULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // the model refused this batch; a retry (redelivery) would meet the same model
            return failed(r, "inference failed: " + e.getCause().getMessage(),
                    new Timings(queuedMs, w.fetchMs(), 0, total(w)));
        }
        Timings timings = new Timings(queuedMs, w.fetchMs(), o.inferenceMs(), total(w));
        if (o.detector() != null && o.detector().flagged()
                && properties.detectorPolicy() == InferenceProperties.DetectorPolicy.REJECT) {
            return new PredictionCompleted(r.predictionId(), r.imageId(), r.imageKey(), r.batchId(), r.fileName(),
                    PredictionCompleted.Status.FAILED, null, null, null, o.model(), o.detector(), timings,
                    "rejected: the adversarial-example detector flagged this image (score "
                            + String.format(java.util.Locale.ROOT, "%.3f", o.detector().score()) + " > "
                            + String.format(java.util.Locale.ROOT, "%.3f", o.detector().threshold()) + ")");
        }
        Prediction p = o.prediction();
        Map<String, Double> probabilities = new LinkedHashMap<>();
        for (int i = 0; i < p.labels().size(); i++) {
            probabilities.put(p.labels().get(i), (double) p.probabilities()[i]);
        }
        return new PredictionCompleted(r.predictionId(), r.imageId(), r.imageKey(), r.batchId(), r.fileName(),
                PredictionCompleted.Status.DONE, p.label(), (double) p.confidence(), probabilities, o.model(),
                o.detector(), timings, null);
    }

    private static long total(Work w) {
        Instant created = w.event().time();
        return created == null ? 0 : Math.max(0, System.currentTimeMillis() - created.toEpochMilli());
    }

    private static PredictionCompleted failed(PredictionRequested r, String error, Timings timings) {
        return new PredictionCompleted(r.predictionId(), r.imageId(), r.imageKey(), r.batchId(), r.fileName(),
                PredictionCompleted.Status.FAILED, null, null, null, null, null, timings, error);
    }
}
