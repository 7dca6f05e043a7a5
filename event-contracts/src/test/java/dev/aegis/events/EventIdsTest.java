package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class EventIdsTest {

    private final Random random = new Random(7);

    /** A version 7 UUID of the given millisecond, as the services' id generator makes them. */
    private String v7(long millis) {
        long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    @Test
    void theSameRecordAndPurposeAlwaysGiveTheSameId() {
        String record = v7(1_795_000_000_000L);
        assertThat(EventIds.derived("aegis.prediction.result", record))
                .isEqualTo(EventIds.derived("aegis.prediction.result", record))
                .isNotEqualTo(EventIds.derived("attack-completed", record));
    }

    @Test
    void aTimeOrderedRecordGivesAVersion8IdWithTheRecordsTimestamp() {
        long millis = 1_795_000_123_456L;
        UUID id = UUID.fromString(EventIds.derived("aegis.prediction.result", v7(millis)));
        assertThat(id.version()).isEqualTo(8);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void idsOfRecordsCreatedInLaterMillisecondsSortAfterAndNeverCollide() {
        Set<String> seen = new HashSet<>();
        String previous = "";
        for (long millis = 1_795_000_000_000L; millis < 1_795_000_000_000L + 2_000; millis++) {
            String latest = previous;
            // several records in one millisecond: their order among themselves is the hash's
            for (int i = 0; i < 5; i++) {
                String id = EventIds.derived("aegis.prediction.result", v7(millis));
                assertThat(seen.add(id)).isTrue();
                assertThat(id).isGreaterThan(previous);
                latest = id.compareTo(latest) > 0 ? id : latest;
            }
            previous = latest;
        }
    }

    @Test
    void otherRecordIdsKeepThePlainNameBasedIdTheyHadBefore() {
        for (String record : new String[] {UUID.randomUUID().toString(), "not-a-uuid", "",
                "01a21fb2-f853-7048-9506-23eef2b363bdX"}) {
            String before = UUID.nameUUIDFromBytes(("attack-completed:" + record).getBytes(StandardCharsets.UTF_8))
                    .toString();
            assertThat(EventIds.derived("attack-completed", record)).as(record).isEqualTo(before);
        }
    }
}
