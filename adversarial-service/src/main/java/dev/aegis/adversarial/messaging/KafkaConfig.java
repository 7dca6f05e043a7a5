package dev.aegis.adversarial.messaging;

import java.net.URI;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import dev.aegis.adversarial.AdversarialProperties;
import dev.aegis.events.AttackCompleted;
import dev.aegis.events.AttackRequested;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventIds;
import dev.aegis.events.EventTypes;
import dev.aegis.events.MalformedEventException;
import dev.aegis.events.Topics;

/**
 * Topics, and what happens to a record a listener cannot process: two retries one second apart,
 * then the record goes to {@code <topic>.dlt} with the failure in its headers. An attack request
 * that ends there is also answered with a FAILED result, so its caller is not left waiting.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfig {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfig.class);
    /** Source of the events the worker publishes. */
    public static final URI WORKER_SOURCE = URI.create("/aegis/adversarial-service/worker");

    @Bean
    KafkaAdmin.NewTopics adversarialTopics(AdversarialProperties p) {
        int n = p.topicPartitions();
        short r = p.topicReplicas();
        return new KafkaAdmin.NewTopics(
                new NewTopic(Topics.ATTACK_REQUESTS, n, r),
                new NewTopic(Topics.ATTACK_RESULTS, n, r),
                new NewTopic(Topics.deadLetter(Topics.ATTACK_REQUESTS), n, r),
                new NewTopic(Topics.deadLetter(Topics.ATTACK_RESULTS), n, r),
                new NewTopic(Topics.deadLetter(Topics.USER_ERASURE), n, r),
                // owned by other services; created here too (with one partition, never shrinking theirs)
                // so that this service's listeners start on a fresh broker
                new NewTopic(Topics.MODEL_EVENTS, 1, r),
                new NewTopic(Topics.deadLetter(Topics.MODEL_EVENTS), 1, r),
                new NewTopic(Topics.USER_ERASURE, 1, r));
    }

    @Bean
    CommonErrorHandler kafkaErrorHandler(KafkaTemplate<String, Object> template, EventPublisher publisher) {
        // partition left to the producer (negative = unset): a dead-letter topic created elsewhere
        // may have fewer partitions than its source
        DeadLetterPublishingRecoverer dlt = new DeadLetterPublishingRecoverer(template,
                (record, ex) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        ConsumerRecordRecoverer recoverer = (record, ex) -> {
            dlt.accept(record, ex);
            if (record.value() instanceof CloudEvent<?> event && event.data() instanceof AttackRequested request) {
                failAttack(publisher, event, request, ex);
            }
        };
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new FixedBackOff(1000L, 2L));
        handler.addNotRetryableExceptions(MalformedEventException.class, IllegalArgumentException.class);
        return handler;
    }

    private static void failAttack(EventPublisher publisher, CloudEvent<?> event, AttackRequested request,
                                   Exception ex) {
        try {
            Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            AttackCompleted failed = new AttackCompleted(request.attackId(), request.imageId(), request.imageKey(),
                    null, null, request.parameters(), AttackCompleted.Status.FAILED, null, null, null, null, null,
                    null, null, null, "the attack could not be processed after retries: " + cause.getMessage());
            publisher.publishAndWait(Topics.ATTACK_RESULTS, CloudEvent.derived(resultEventId(request.attackId()),
                    WORKER_SOURCE, EventTypes.ATTACK_COMPLETED, request.attackId(), event.userid(),
                    event.correlationid(), failed));
        } catch (RuntimeException e) {
            log.error("attack {} went to the dead-letter topic and its FAILED result could not be published",
                    request.attackId(), e);
        }
    }

    /** The result event of an attack has an id derived from the attack id: redelivery yields the same event. */
    public static String resultEventId(String attackId) {
        return EventIds.derived("attack-completed", attackId);
    }
}
