package dev.aegis.adversarial.messaging;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import reactor.core.publisher.Mono;

/** Publishes events keyed by their subject (the attack id), waiting for the broker's acknowledgement. */
@Component
public class EventPublisher {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaTemplate<String, Object> kafka;

    public EventPublisher(KafkaTemplate<String, Object> kafka) {
        this.kafka = kafka;
    }

    public Mono<Void> publish(String topic, CloudEvent<?> event) {
        return Mono.fromFuture(() -> kafka.send(topic, event.subject(), event)).then();
    }

    /** For Kafka listener threads: returns once the broker has the event (acks=all). */
    public void publishAndWait(String topic, CloudEvent<?> event) {
        try {
            kafka.send(topic, event.subject(), event).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + event.id(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish " + event.id() + " to " + topic + ": " + e.getMessage(), e);
        }
    }
}
