package dev.aegis.model;

/** TensorFlow refused to run the graph (for example a shape it cannot handle). */
public class ModelExecutionException extends RuntimeException {
    public ModelExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
