package dev.aegis.history.ingest;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import dev.aegis.events.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import dev.aegis.events.Topics;

/**
 * Failure policy of the results consumer:
 * <ul>
 * <li>a malformed event goes straight to {@code <topic>.dlt} (original bytes, failure in the
 * headers) and the consumer moves on;</li>
 * <li>MongoDB unavailable: retried without limit, backing off up to 10 s, so an outage delays
 * records and never dead-letters them (the offset is not committed meanwhile);</li>
 * <li>anything else: a few quick retries, then the dead-letter topic.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfig.class);

    @Bean
    DefaultErrorHandler resultErrorHandler(KafkaTemplate<String, byte[]> template, MeterRegistry meters,
                                           @Value("${aegis.history.retries:3}") int retries) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, ex) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new FixedBackOff(500L, retries));
        handler.addNotRetryableExceptions(MalformedEventException.class);
        ExponentialBackOff untilMongoIsBack = new ExponentialBackOff(500L, 2.0);
        untilMongoIsBack.setMaxInterval(10_000L);
        handler.setBackOffFunction((record, ex) -> MongoOutage.is(ex) ? untilMongoIsBack : null);
        handler.setRetryListeners((record, ex, attempt) -> {
            boolean outage = MongoOutage.is(ex);
            meters.counter("history.ingest.failures", "cause", outage ? "mongo-unavailable" : "event").increment();
            log.warn("result {}-{}@{} failed (attempt {}{}): {}", record.topic(), record.partition(), record.offset(),
                    attempt, outage ? ", MongoDB unavailable, will retry until it is back" : "", rootMessage(ex));
        });
        return handler;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    // Declared so the dead-letter and erasure topics exist before the first failure or erasure;
    // the results topics belong to the workers that produce them, but the prediction results are
    // declared here too, with the producer's partition count: subscribing first would otherwise
    // have the broker auto-create the topic with its default count (see Topics.PREDICTION_PARTITIONS).
    // The attack results' count is the broker's default already.
    @Bean
    NewTopic predictionResults() {
        return TopicBuilder.name(Topics.PREDICTION_RESULTS).partitions(Topics.PREDICTION_PARTITIONS).build();
    }

    @Bean
    NewTopic predictionResultsDeadLetter() {
        return TopicBuilder.name(Topics.deadLetter(Topics.PREDICTION_RESULTS)).partitions(1).build();
    }

    @Bean
    NewTopic attackResultsDeadLetter() {
        return TopicBuilder.name(Topics.deadLetter(Topics.ATTACK_RESULTS)).partitions(1).build();
    }

    @Bean
    NewTopic userErasure() {
        return TopicBuilder.name(Topics.USER_ERASURE).partitions(3).build();
    }
}
