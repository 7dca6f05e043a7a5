package dev.aegis.support.storage;

/** The object store cannot be reached or answered with a server error; the client may retry later. */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
