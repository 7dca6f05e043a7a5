package dev.aegis.inference.prediction;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.Topics;

/**
 * Whether this instance's {@link ResultListener} receives a prediction's result event itself:
 * results are keyed by prediction id, so the partition is known in advance. A long-poll whose
 * result lands here is woken by the listener and never needs to re-read MongoDB; only one whose
 * partition another API instance holds polls the record. With one API instance (the local
 * stack) no long-poll reads the record while it waits: at 1 s re-reads, 256 concurrent
 * long-polls were a quarter of the MongoDB server's work in the pipeline benchmark.
 */
@Component
class ResultOwnership {

    static final String RESULT_LISTENER_ID = "inference-results";

    private final ObjectProvider<KafkaListenerEndpointRegistry> registry;
    private final KafkaTemplate<String, CloudEvent<?>> template;
    private volatile int partitions;

    ResultOwnership(ObjectProvider<KafkaListenerEndpointRegistry> registry, KafkaTemplate<String, CloudEvent<?>> template) {
        this.registry = registry;
        this.template = template;
    }

    /** True when the result of this prediction is consumed (and applied) by this instance. */
    boolean appliedHere(String predictionId) {
        KafkaListenerEndpointRegistry listeners = registry.getIfAvailable();
        MessageListenerContainer container = listeners == null ? null : listeners.getListenerContainer(RESULT_LISTENER_ID);
        Collection<TopicPartition> assigned = container == null || !container.isRunning() ? null
                : container.getAssignedPartitions();
        if (assigned == null || assigned.isEmpty()) {
            return false;
        }
        int count = partitionCount();
        if (count <= 0) {
            return false;
        }
        return assigned.contains(new TopicPartition(Topics.PREDICTION_RESULTS, partitionOf(predictionId, count)));
    }

    /** The partition Kafka's producer picks for a record keyed by this id (murmur2 of the UTF-8 key). */
    static int partitionOf(String predictionId, int partitions) {
        return Utils.toPositive(Utils.murmur2(predictionId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private int partitionCount() {
        int count = partitions;
        if (count == 0) {
            try {
                // producer metadata, fetched once: partitions of a topic only ever grow, and a
                // grown topic is a redeploy (the keys' partitions change for producers too)
                count = template.partitionsFor(Topics.PREDICTION_RESULTS).size();
                partitions = count;
            } catch (RuntimeException e) {
                return 0;
            }
        }
        return count;
    }
}
