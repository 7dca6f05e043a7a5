package dev.aegis.inference.prediction;

/** Kafka did not acknowledge a request event; the client may retry (answered 503). */
public class QueueUnavailableException extends RuntimeException {

    public QueueUnavailableException(Throwable cause) {
        super("the prediction queue is temporarily unavailable; retry later", cause);
    }
}
