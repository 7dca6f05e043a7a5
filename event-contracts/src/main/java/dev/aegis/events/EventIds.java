package dev.aegis.events;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Ids of events derived from the record they report on: the same record always yields the same
 * id, so a redelivered request republishes an event that consumers already deduplicate.
 * <p>
 * For a record whose id is a time-ordered UUID (version 7, what the services create) the event id
 * keeps that timestamp in its first 48 bits and takes the rest from the name-based hash: a
 * version 8 UUID (RFC 9562's custom layout). The history service keeps a unique index on event
 * ids, and ordered keys land at its right edge instead of on a random page
 * (docs/performance.md, "Time-ordered record ids and event ids"). Any other record id, such as
 * the random ids of records created before, keeps the plain name-based id it always had, so a
 * request in flight across an upgrade still yields the id its first attempt published.
 */
public final class EventIds {

    private static final long TIMESTAMP_BITS = 0xFFFF_FFFF_FFFF_0000L;
    private static final long VERSION_8 = 0x8000L;
    private static final long LOW_12_BITS = 0x0FFFL;

    private EventIds() {
    }

    /**
     * @param purpose  what the event says about the record ({@code "aegis.prediction.result"});
     *                 two purposes never share an id
     * @param recordId the id of the record the event is about
     */
    public static String derived(String purpose, String recordId) {
        UUID hashed = UUID.nameUUIDFromBytes((purpose + ":" + recordId).getBytes(StandardCharsets.UTF_8));
        UUID record = parse(recordId);
        if (record == null || record.version() != 7 || record.variant() != 2) {
            return hashed.toString();
        }
        long high = (record.getMostSignificantBits() & TIMESTAMP_BITS) | VERSION_8
                | (hashed.getMostSignificantBits() & LOW_12_BITS);
        // the hashed UUID's low half already carries the RFC variant bits
        return new UUID(high, hashed.getLeastSignificantBits()).toString();
    }

    private static UUID parse(String id) {
        if (id == null || id.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }
}
