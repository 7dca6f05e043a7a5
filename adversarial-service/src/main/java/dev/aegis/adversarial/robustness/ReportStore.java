package dev.aegis.adversarial.robustness;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/** Collection {@code robustness}, scoped by owner. */
@Component
public class ReportStore {

    private final ReactiveMongoTemplate mongo;

    public ReportStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<ReportRecord> insert(ReportRecord report) {
        return mongo.insert(report);
    }

    public Mono<ReportRecord> find(String userId, String id) {
        return mongo.findOne(query(where("_id").is(id).and("userId").is(userId)), ReportRecord.class);
    }

    public Mono<Long> deleteUser(String userId) {
        return mongo.remove(query(where("userId").is(userId)), ReportRecord.class).map(r -> r.getDeletedCount());
    }
}
