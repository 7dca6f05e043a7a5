package dev.aegis.localstack;

/** A component that could not start; the message names it and carries the tail of its log. */
public class StartupException extends RuntimeException {

    private final String component;

    public StartupException(String component, String message) {
        super(component + ": " + message);
        this.component = component;
    }

    public StartupException(String component, String message, Throwable cause) {
        super(component + ": " + message, cause);
        this.component = component;
    }

    public String component() {
        return component;
    }
}
