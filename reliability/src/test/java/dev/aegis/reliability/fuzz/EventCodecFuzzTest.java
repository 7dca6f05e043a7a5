package dev.aegis.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.MalformedEventException;

/**
 * What a Kafka record's value can hold: the codec either reads a known event with its data, or
 * throws {@link MalformedEventException} (which the listeners send to the dead-letter topic).
 * Any other exception would make a listener retry the same poison record forever.
 */
class EventCodecFuzzTest {

    private static final EventCodec CODEC = new EventCodec();

    @FuzzTest(maxDuration = "45s")
    void readEitherGivesAnEventWithDataOrIsMalformed(byte[] data) {
        try {
            CloudEvent<?> event = CODEC.read(data);
            assertThat(event.data()).isNotNull();
            assertThat(event.type()).isNotBlank();
            // what was read can be written back and read again to the same event
            assertThat(CODEC.read(CODEC.write(event))).isEqualTo(event);
        } catch (MalformedEventException expected) {
            assertThat(expected.getMessage()).isNotNull();
        }
    }
}
