package dev.aegis.testsupport;

import java.nio.file.Path;

/**
 * How one server of a test JVM is stopped and started again: an OS process (the default) or a
 * container (Testcontainers mode). Fault tests only see {@link ServerHandle}.
 */
interface Lifecycle {

    /** Starts the server (again) on the same ports with the same data and waits until healthy. */
    void start();

    /** Stops it; its data is kept for the next {@link #start()}. */
    void stop();

    boolean isRunning();

    /** Where its output can be read, for assertion messages. */
    Path logFile();

    /** What it is and where, for the log. */
    String describe();
}
