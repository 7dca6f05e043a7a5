package dev.aegis.events;

/** Versioned CloudEvents {@code type} values. A new incompatible payload gets a new suffix. */
public final class EventTypes {

    public static final String PREDICTION_REQUESTED = "dev.aegis.prediction.requested.v1";
    public static final String PREDICTION_COMPLETED = "dev.aegis.prediction.completed.v1";
    public static final String ATTACK_REQUESTED = "dev.aegis.attack.requested.v1";
    public static final String ATTACK_COMPLETED = "dev.aegis.attack.completed.v1";
    public static final String MODEL_ACTIVATED = "dev.aegis.model.activated.v1";
    public static final String USER_ERASURE_REQUESTED = "dev.aegis.user.erasure-requested.v1";

    private EventTypes() {
    }
}
