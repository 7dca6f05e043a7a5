package dev.aegis.history.health;

import java.time.Duration;

import org.bson.Document;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * MongoDB health by {@code ping}, which real MongoDB and the local MongoDB-protocol server both
 * answer. Boot's own indicator sends {@code hello}, unknown to the local server, so it is disabled
 * ({@code management.health.mongodb.enabled=false}).
 */
@Component("mongo")
class MongoPingHealthIndicator extends AbstractReactiveHealthIndicator {

    private final ReactiveMongoTemplate mongo;

    MongoPingHealthIndicator(ReactiveMongoTemplate mongo) {
        super("MongoDB ping failed");
        this.mongo = mongo;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        return mongo.getMongoDatabase()
                .flatMap(db -> mongo.executeCommand(new Document("ping", 1))
                        .map(answer -> builder.up().withDetail("database", db.getName()).build()))
                .timeout(Duration.ofSeconds(5));
    }
}
