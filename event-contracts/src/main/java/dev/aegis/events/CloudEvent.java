package dev.aegis.events;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A CloudEvents 1.0 event in structured JSON mode: the whole envelope is the Kafka record value.
 * {@code userid} and {@code correlationid} are extension attributes every Aegis event carries, so
 * a consumer can scope and trace an event without opening its data.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent<T>(
        String specversion,
        String id,
        URI source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        String userid,
        String correlationid,
        T data) {

    public static final String SPEC_VERSION = "1.0";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        if (!SPEC_VERSION.equals(specversion)) {
            throw new IllegalArgumentException("unsupported CloudEvents specversion: " + specversion);
        }
        if (userid == null || userid.isBlank()) {
            throw new IllegalArgumentException("event " + id + " has no userid");
        }
        if (correlationid == null || correlationid.isBlank()) {
            throw new IllegalArgumentException("event " + id + " has no correlationid");
        }
    }

    /**
     * A new event with a random id. The subject is the id of the image or job the event is about
     * (also used as the Kafka key), so consumers can upsert on it.
     */
    public static <T> CloudEvent<T> of(URI source, String type, String subject, String userId,
                                       String correlationId, T data) {
        return new CloudEvent<>(SPEC_VERSION, UUID.randomUUID().toString(), source, type, subject,
                Instant.now(), "application/json", userId, correlationId, data);
    }

    /**
     * An event with an id derived from its cause, so that re-processing the same request (a
     * redelivery) produces an event with the same id and downstream upserts stay idempotent.
     */
    public static <T> CloudEvent<T> derived(String id, URI source, String type, String subject,
                                            String userId, String correlationId, T data) {
        return new CloudEvent<>(SPEC_VERSION, id, source, type, subject, Instant.now(),
                "application/json", userId, correlationId, data);
    }
}
