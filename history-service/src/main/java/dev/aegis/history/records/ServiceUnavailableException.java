package dev.aegis.history.records;

/** A dependency (Kafka, MongoDB) is down; the request did nothing and may be repeated. Answered 503. */
class ServiceUnavailableException extends RuntimeException {

    ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
