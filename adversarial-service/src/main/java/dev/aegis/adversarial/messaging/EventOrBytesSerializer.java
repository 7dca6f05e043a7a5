package dev.aegis.adversarial.messaging;

import org.apache.kafka.common.serialization.Serializer;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventCodec;

/**
 * Writes Aegis events as CloudEvents JSON and passes raw bytes through unchanged: the dead-letter
 * publisher forwards a record that could not be deserialized as the bytes it arrived with.
 */
public class EventOrBytesSerializer implements Serializer<Object> {

    private final EventCodec codec = new EventCodec();

    @Override
    public byte[] serialize(String topic, Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof CloudEvent<?> event) {
            return codec.write(event);
        }
        throw new IllegalArgumentException("cannot serialize " + value.getClass().getName() + " to " + topic);
    }
}
