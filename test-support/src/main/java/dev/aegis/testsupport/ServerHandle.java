package dev.aegis.testsupport;

/** Common controls: stop and start the same server (same ports, same data) for fault tests. */
public abstract class ServerHandle {

    private final Server kind;
    private final Lifecycle lifecycle;

    ServerHandle(Server kind, Lifecycle lifecycle) {
        this.kind = kind;
        this.lifecycle = lifecycle;
    }

    Server kind() {
        return kind;
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    /** Stops the server (process: TERM, then KILL; container: docker stop); data is kept. */
    public void stop() {
        lifecycle.stop();
    }

    /** Starts it again on the same ports and waits until healthy (no-op when running). */
    public void start() {
        lifecycle.start();
    }

    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    /** The server's log file (stdout and stderr), handy in assertion messages. */
    public java.nio.file.Path logFile() {
        return lifecycle.logFile();
    }
}
