package dev.aegis.inference.messaging;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.util.backoff.FixedBackOff;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.CloudEventSerializer;
import dev.aegis.events.MalformedEventException;
import dev.aegis.events.Topics;

/**
 * Topics, the dead-letter path and the error handler every listener of this service shares:
 * a failing record is retried a few times in place, then published unchanged (raw bytes for
 * a record that could not even be deserialized) to {@code <topic>.dlt} with the failure in
 * headers, and its offset is committed, so one poison record never stalls its partition.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfig {

    @Bean
    NewTopic predictionRequests() {
        return TopicBuilder.name(Topics.PREDICTION_REQUESTS).partitions(Topics.PREDICTION_PARTITIONS).replicas(1).build();
    }

    @Bean
    NewTopic predictionResults() {
        return TopicBuilder.name(Topics.PREDICTION_RESULTS).partitions(Topics.PREDICTION_PARTITIONS).replicas(1).build();
    }

    @Bean
    NewTopic predictionRequestsDlt() {
        return TopicBuilder.name(Topics.deadLetter(Topics.PREDICTION_REQUESTS)).partitions(1).replicas(1).build();
    }

    @Bean
    NewTopic modelEvents() {
        return TopicBuilder.name(Topics.MODEL_EVENTS).partitions(1).replicas(1).build();
    }

    @Bean
    NewTopic userErasure() {
        return TopicBuilder.name(Topics.USER_ERASURE).partitions(3).replicas(1).build();
    }

    /** Our events, with the producer settings of {@code spring.kafka.producer.*} (acks=all, idempotent). */
    @Bean
    @Primary
    @SuppressWarnings({"unchecked", "rawtypes"})
    KafkaTemplate<String, CloudEvent<?>> eventTemplate(ProducerFactory<?, ?> producerFactory) {
        return new KafkaTemplate<>((ProducerFactory) producerFactory);
    }

    /** Sends whatever failed: raw bytes of a poison record, or the deserialized event. */
    @Bean
    KafkaTemplate<Object, Object> deadLetterTemplate(KafkaProperties properties) {
        Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        Map<Class<?>, org.apache.kafka.common.serialization.Serializer<?>> byType = new LinkedHashMap<>();
        byType.put(byte[].class, new ByteArraySerializer());
        byType.put(CloudEvent.class, new CloudEventSerializer());
        DefaultKafkaProducerFactory<Object, Object> factory = new DefaultKafkaProducerFactory<>(config,
                null, new DelegatingByTypeSerializer(byType, true));
        return new KafkaTemplate<>(factory);
    }

    @Bean
    DeadLetterPublishingRecoverer deadLetterPublishingRecoverer(KafkaTemplate<Object, Object> deadLetterTemplate) {
        // partition -1: let the producer choose, the DLT need not mirror the source's partitions
        return new DeadLetterPublishingRecoverer(deadLetterTemplate,
                (record, e) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
    }

    @Bean
    DefaultErrorHandler kafkaErrorHandler(DeadLetterPublishingRecoverer recoverer) {
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new FixedBackOff(500L, 2L));
        handler.addNotRetryableExceptions(MalformedEventException.class);
        return handler;
    }
}
