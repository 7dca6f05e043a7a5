package dev.aegis.support.mongo;

import org.bson.Document;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import com.mongodb.reactivestreams.client.MongoClient;

import reactor.core.publisher.Mono;

/**
 * MongoDB health by {@code ping}: Boot's own indicator sends {@code hello}, which the local
 * MongoDB-protocol server does not know, while {@code ping} works on it and on real MongoDB.
 */
public class MongoPingHealthIndicator extends AbstractReactiveHealthIndicator {

    private final MongoClient client;

    public MongoPingHealthIndicator(MongoClient client) {
        super("MongoDB ping failed");
        this.client = client;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        return Mono.from(client.getDatabase("admin").runCommand(new Document("ping", 1)))
                .map(reply -> builder.up().withDetail("ping", reply.get("ok")).build());
    }
}
