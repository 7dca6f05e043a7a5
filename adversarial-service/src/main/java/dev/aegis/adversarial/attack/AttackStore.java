package dev.aegis.adversarial.attack;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import com.mongodb.client.result.UpdateResult;

import dev.aegis.events.AttackCompleted;
import dev.aegis.events.CloudEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Collection {@code attacks}. Every read is scoped by the owner's user id. */
@Component
public class AttackStore {

    private final ReactiveMongoTemplate mongo;

    public AttackStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<AttackRecord> insert(AttackRecord record) {
        return mongo.insert(record);
    }

    /** The user's attack, or empty when it does not exist or belongs to someone else. */
    public Mono<AttackRecord> find(String userId, String id) {
        return mongo.findOne(query(where("_id").is(id).and("userId").is(userId)), AttackRecord.class);
    }

    public Flux<AttackRecord> byReport(String userId, String reportId) {
        return mongo.find(query(where("reportId").is(reportId).and("userId").is(userId)), AttackRecord.class);
    }

    /**
     * Applies a worker result. Idempotent: a redelivered result writes the same values again. A
     * result for an unknown attack (e.g. erased meanwhile) changes nothing rather than re-creating it.
     */
    public Mono<UpdateResult> complete(CloudEvent<AttackCompleted> event) {
        AttackCompleted r = event.data();
        AttackRecord.Status status = r.status() == AttackCompleted.Status.DONE
                ? AttackRecord.Status.DONE : AttackRecord.Status.FAILED;
        Update update = new Update()
                .set("status", status)
                .set("completedAt", event.time() == null ? Instant.now() : event.time())
                .set("resultEventId", event.id())
                .set("original", r.original())
                .set("adversarial", r.adversarial())
                .set("success", r.success())
                .set("linf", r.linf())
                .set("l2", r.l2())
                .set("model", r.model())
                .set("detector", r.detector())
                .set("timings", r.timings())
                .set("adversarialKey", r.adversarialKey())
                .set("perturbationKey", r.perturbationKey())
                .set("error", r.error());
        return mongo.updateFirst(query(where("_id").is(r.attackId()).and("userId").is(event.userid())),
                update, AttackRecord.class);
    }

    public Mono<Long> deleteUser(String userId) {
        return mongo.remove(query(where("userId").is(userId)), AttackRecord.class)
                .map(result -> result.getDeletedCount());
    }
}
