package dev.aegis.events;

/** Kafka topic names; see docs/architecture.md for producers and consumers. */
public final class Topics {

    public static final String PREDICTION_REQUESTS = "aegis.predictions.requests";
    public static final String PREDICTION_RESULTS = "aegis.predictions.results";
    public static final String ATTACK_REQUESTS = "aegis.attacks.requests";
    public static final String ATTACK_RESULTS = "aegis.attacks.results";
    public static final String MODEL_EVENTS = "aegis.models.events";
    public static final String USER_ERASURE = "aegis.users.erasure";

    /** Suffix of the dead-letter topic that receives a topic's poison messages after bounded retries. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
