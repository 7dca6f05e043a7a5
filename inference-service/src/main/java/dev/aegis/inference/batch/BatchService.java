package dev.aegis.inference.batch;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import org.springframework.util.IdGenerator;

import dev.aegis.inference.prediction.PredictionDocument;
import dev.aegis.inference.prediction.PredictionService;
import dev.aegis.inference.prediction.PredictionStatus;
import dev.aegis.inference.upload.UploadStore;
import dev.aegis.inference.upload.ValidatedImage;
import dev.aegis.support.problem.NotFoundException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A batch is one request with many images; each image travels as its own prediction event. */
@Service
public class BatchService {

    private final ReactiveMongoTemplate mongo;
    private final UploadStore uploads;
    private final PredictionService predictions;
    private final IdGenerator ids;

    public BatchService(ReactiveMongoTemplate mongo, UploadStore uploads, PredictionService predictions, IdGenerator ids) {
        this.ids = ids;
        this.mongo = mongo;
        this.uploads = uploads;
        this.predictions = predictions;
    }

    /** Every image was validated before: nothing is stored unless the whole batch is acceptable. */
    public Mono<BatchDocument> submit(String userId, List<ValidatedImage> images, String source) {
        String batchId = ids.generateId().toString();
        BatchDocument batch = new BatchDocument(batchId, userId, BatchStatus.ACCEPTED, images.size(), source,
                Instant.now(), null);
        return Flux.fromIterable(images)
                .flatMapSequential(image -> uploads.store(userId, image)
                        .map(key -> pendingOf(userId, batchId, key, image)), 4)
                .collectList()
                .flatMap(docs -> {
                    // same order as the images (flatMapSequential): their bytes ride along inline
                    Map<String, byte[]> bytes = new HashMap<>();
                    for (int i = 0; i < docs.size(); i++) {
                        bytes.put(docs.get(i).id(), images.get(i).bytes());
                    }
                    return mongo.insert(batch)
                            .thenMany(predictions.createAll(docs, batchId, d -> bytes.get(d.id())))
                            .then(Mono.just(batch));
                });
    }

    private PredictionDocument pendingOf(String userId, String batchId, String key, ValidatedImage image) {
        return new PredictionDocument(ids.generateId().toString(), userId, image.sha256(), key, image.contentType(),
                image.name(), batchId, PredictionStatus.PENDING, null, null, null, null, null, null, null, null,
                Instant.now(), null);
    }

    public Mono<BatchDocument> find(String userId, String id) {
        return mongo.findById(id, BatchDocument.class)
                .filter(b -> b.userId().equals(userId))
                .switchIfEmpty(Mono.error(() -> new NotFoundException("batch", id)));
    }

    public Mono<BatchProgress> progress(String userId, String id) {
        return find(userId, id).flatMap(batch -> items(batch.id()).collectList().map(items -> {
            long pending = 0;
            long done = 0;
            long failed = 0;
            long cancelled = 0;
            for (PredictionDocument d : items) {
                switch (d.status()) {
                    case PENDING -> pending++;
                    case DONE -> done++;
                    case FAILED -> failed++;
                    case CANCELLED -> cancelled++;
                }
            }
            return new BatchProgress(batch.id(), batch.status(), batch.total(), pending, done, failed, cancelled,
                    pending == 0, batch.createdAt(), URI.create("/api/batches/" + batch.id() + "/results"));
        }));
    }

    public Flux<PredictionDocument> results(String userId, String id) {
        return find(userId, id).flatMapMany(batch -> items(batch.id()));
    }

    private Flux<PredictionDocument> items(String batchId) {
        return mongo.find(Query.query(Criteria.where("batchId").is(batchId)).with(Sort.by("createdAt", "_id")),
                PredictionDocument.class);
    }

    /** Items not processed yet become CANCELLED; workers skip them and late results are ignored. */
    public Mono<BatchProgress> cancel(String userId, String id) {
        return find(userId, id)
                .flatMap(batch -> mongo.updateFirst(Query.query(Criteria.where("_id").is(id)),
                                Update.update("status", BatchStatus.CANCELLED).set("cancelledAt", Instant.now()),
                                BatchDocument.class)
                        .then(mongo.updateMulti(Query.query(Criteria.where("batchId").is(id)
                                        .and("status").is(PredictionStatus.PENDING)),
                                Update.update("status", PredictionStatus.CANCELLED)
                                        .set("error", "cancelled by the owner").set("completedAt", Instant.now()),
                                PredictionDocument.class)))
                .then(progress(userId, id));
    }

    public Mono<Long> deleteAll(String userId) {
        return mongo.remove(Query.query(Criteria.where("userId").is(userId)), BatchDocument.class)
                .map(r -> r.getDeletedCount());
    }

    static List<String> csvHeader() {
        return new ArrayList<>(List.of("predictionId", "fileName", "imageId", "status", "label", "confidence",
                "modelName", "modelVersion", "detectorScore", "detectorFlagged", "error"));
    }
}
