package dev.aegis.events;

import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes Aegis events as CloudEvents JSON. The payload class is chosen from the
 * event's {@code type}, so a consumer of a topic carrying several types gets typed data.
 */
public final class EventCodec {

    private static final Map<String, Class<?>> PAYLOADS = Map.of(
            EventTypes.PREDICTION_REQUESTED, PredictionRequested.class,
            EventTypes.PREDICTION_COMPLETED, PredictionCompleted.class,
            EventTypes.ATTACK_REQUESTED, AttackRequested.class,
            EventTypes.ATTACK_COMPLETED, AttackCompleted.class,
            EventTypes.MODEL_ACTIVATED, ModelActivated.class,
            EventTypes.USER_ERASURE_REQUESTED, UserErasureRequested.class);

    private final JsonMapper mapper;

    public EventCodec() {
        // Unknown fields are tolerated so that a producer may add optional fields without
        // breaking consumers of the same type version.
        this.mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    public byte[] write(CloudEvent<?> event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("event " + event.id() + " cannot be serialized", e);
        }
    }

    /** Reads any known event type; throws {@link MalformedEventException} for anything else. */
    public CloudEvent<?> read(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedEventException("empty record value");
        }
        try {
            JsonNode tree = mapper.readTree(bytes);
            JsonNode type = tree.get("type");
            if (type == null || !type.isString()) {
                throw new MalformedEventException("event has no string 'type'");
            }
            Class<?> payload = PAYLOADS.get(type.asString());
            if (payload == null) {
                throw new MalformedEventException("unknown event type '" + type.asString() + "'");
            }
            JavaType javaType = mapper.getTypeFactory().constructParametricType(CloudEvent.class, payload);
            CloudEvent<?> event = mapper.treeToValue(tree, javaType);
            if (event.data() == null) {
                throw new MalformedEventException("event " + event.id() + " has no data");
            }
            return event;
        } catch (JacksonException e) {
            throw new MalformedEventException("not a valid Aegis CloudEvent: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedEventException("not a valid Aegis CloudEvent: " + e.getMessage(), e);
        }
    }

    /** Reads an event and checks it carries the expected payload type. */
    @SuppressWarnings("unchecked")
    public <T> CloudEvent<T> read(byte[] bytes, Class<T> payload) {
        CloudEvent<?> event = read(bytes);
        if (!payload.isInstance(event.data())) {
            throw new MalformedEventException("expected " + payload.getSimpleName() + " but event "
                    + event.id() + " has type " + event.type());
        }
        return (CloudEvent<T>) event;
    }
}
