package dev.aegis.support.problem;

/**
 * An object that does not exist for the caller. Another user's object is reported the same way,
 * so an id never reveals whether it exists.
 */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String kind, String id) {
        super("no " + kind + " with id '" + id + "'");
    }
}
