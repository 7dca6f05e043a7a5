package dev.aegis.inference.messaging;

import java.net.URI;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import reactor.core.publisher.Mono;

/** Sends CloudEvents and completes only once the broker acknowledged them (acks=all). */
@Component
public class EventPublisher {

    /** CloudEvents {@code source} of everything this service emits. */
    public static final URI SOURCE = URI.create("/aegis/inference-service");

    private final KafkaTemplate<String, CloudEvent<?>> template;

    public EventPublisher(KafkaTemplate<String, CloudEvent<?>> template) {
        this.template = template;
    }

    public Mono<Void> publish(String topic, String key, CloudEvent<?> event) {
        return Mono.fromFuture(() -> template.send(topic, key, event)).then();
    }
}
