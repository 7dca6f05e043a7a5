package dev.aegis.events;

/** Kafka topic names; see docs/architecture.md for producers and consumers. */
public final class Topics {

    public static final String PREDICTION_REQUESTS = "aegis.predictions.requests";
    public static final String PREDICTION_RESULTS = "aegis.predictions.results";
    public static final String ATTACK_REQUESTS = "aegis.attacks.requests";
    public static final String ATTACK_RESULTS = "aegis.attacks.results";
    public static final String MODEL_EVENTS = "aegis.models.events";
    public static final String USER_ERASURE = "aegis.users.erasure";

    /**
     * Partitions of the prediction request and result topics. Every service that consumes or
     * produces one of them declares it with this count: a consumer that subscribed before the
     * producing service had created the topic made the broker auto-create it with the broker's
     * default (3); the producer then grew it to 6, and the consumer's group saw the new partitions
     * only at its next metadata refresh (5 minutes): the e2e test lost a result that way.
     */
    public static final int PREDICTION_PARTITIONS = 6;

    /** Suffix of the dead-letter topic that receives a topic's poison messages after bounded retries. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
