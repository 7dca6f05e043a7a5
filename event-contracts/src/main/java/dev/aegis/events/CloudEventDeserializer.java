package dev.aegis.events;

import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for Aegis events. It throws {@link MalformedEventException} on a
 * poison record; wrap it in Spring Kafka's {@code ErrorHandlingDeserializer} so that such a
 * record reaches the dead-letter topic instead of stalling the partition.
 */
public class CloudEventDeserializer implements Deserializer<CloudEvent<?>> {

    private final EventCodec codec = new EventCodec();

    @Override
    public CloudEvent<?> deserialize(String topic, byte[] data) {
        return data == null ? null : codec.read(data);
    }
}
