package dev.aegis.events;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for Aegis events (structured CloudEvents JSON). */
public class CloudEventSerializer implements Serializer<CloudEvent<?>> {

    private final EventCodec codec = new EventCodec();

    @Override
    public byte[] serialize(String topic, CloudEvent<?> event) {
        return event == null ? null : codec.write(event);
    }
}
