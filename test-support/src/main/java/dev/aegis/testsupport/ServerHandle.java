package dev.aegis.testsupport;

import dev.aegis.localstack.ServerProcess;

/** Common controls: stop and start the same server (same ports, same data) for fault tests. */
public abstract class ServerHandle {

    private final ServerProcess server;

    ServerHandle(ServerProcess server) {
        this.server = server;
    }

    ServerProcess server() {
        return server;
    }

    /** Stops the process (TERM, then KILL); data is kept. */
    public void stop() {
        server.stop();
    }

    /** Starts it again on the same ports and waits until healthy (no-op when running). */
    public void start() {
        server.start();
        server.awaitHealthy(RealServersExtension::log);
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** The server's log file (stdout and stderr), handy in assertion messages. */
    public java.nio.file.Path logFile() {
        return server.logFile();
    }
}
