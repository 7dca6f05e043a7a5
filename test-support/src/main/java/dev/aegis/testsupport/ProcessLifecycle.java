package dev.aegis.testsupport;

import dev.aegis.localstack.ServerProcess;

import java.nio.file.Path;

/** A real server run as its own OS process by the local-stack launcher code. */
final class ProcessLifecycle implements Lifecycle {

    private final ServerProcess server;

    ProcessLifecycle(ServerProcess server) {
        this.server = server;
    }

    @Override
    public void start() {
        server.start();
        server.awaitHealthy(RealServersExtension::log);
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public Path logFile() {
        return server.logFile();
    }

    @Override
    public String describe() {
        return server.url();
    }
}
