package dev.aegis.support.mongo;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import com.mongodb.reactivestreams.client.MongoClient;

/**
 * Health contributor {@code mongoPing}. Services disable Boot's {@code mongo} indicator
 * ({@code management.health.mongodb.enabled=false}) and rely on this one.
 */
@AutoConfiguration(afterName = "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration")
@ConditionalOnClass({MongoClient.class, org.springframework.boot.health.contributor.Health.class})
public class MongoPingHealthAutoConfiguration {

    @Bean
    @ConditionalOnBean(MongoClient.class)
    @ConditionalOnMissingBean(name = "mongoPingHealthIndicator")
    MongoPingHealthIndicator mongoPingHealthIndicator(MongoClient client) {
        return new MongoPingHealthIndicator(client);
    }
}
