package dev.aegis.history.records;

import java.net.URI;
import java.time.Duration;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventTypes;
import dev.aegis.events.Topics;
import dev.aegis.events.UserErasureRequested;
import reactor.core.publisher.Mono;

/** Publishes {@code dev.aegis.user.erasure-requested.v1} keyed by user id and waits for the broker's ack. */
@Component
class ErasurePublisher {

    static final URI SOURCE = URI.create("urn:aegis:history-service");

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec = new EventCodec();

    ErasurePublisher(KafkaTemplate<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    Mono<CloudEvent<UserErasureRequested>> publish(String userId, String correlationId) {
        CloudEvent<UserErasureRequested> event = CloudEvent.of(SOURCE, EventTypes.USER_ERASURE_REQUESTED, userId,
                userId, correlationId, new UserErasureRequested("requested by the user"));
        return Mono.fromFuture(() -> kafka.send(Topics.USER_ERASURE, userId, codec.write(event)))
                .timeout(Duration.ofSeconds(30))
                .onErrorMap(e -> new ServiceUnavailableException(
                        "the erasure could not be started because the event bus is unavailable; nothing was deleted, retry later", e))
                .thenReturn(event);
    }
}
