package dev.aegis.testsupport;

import com.github.dockerjava.api.DockerClient;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.WaitStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server in a container. {@link #stop()} stops the container without removing it, so that
 * {@link #start()} brings back the same data on the same (fixed) host ports, like a process restart.
 */
class ContainerLifecycle implements Lifecycle {

    private final GenericContainer<?> container;
    private final WaitStrategy ready;
    private final String name;
    private boolean created;

    ContainerLifecycle(GenericContainer<?> container, WaitStrategy ready, String name) {
        this.container = container;
        this.ready = ready;
        this.name = name;
    }

    @Override
    public synchronized void start() {
        if (!created) {
            container.start();
            created = true;
            afterFirstStart();
            return;
        }
        if (isRunning()) {
            return;
        }
        docker().startContainerCmd(container.getContainerId()).exec();
        ready.waitUntilReady(container);
    }

    /** One-time setup once the server answers (e.g. the bucket every service expects). */
    void afterFirstStart() {
    }

    @Override
    public synchronized void stop() {
        if (created && isRunning()) {
            docker().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
        }
    }

    @Override
    public boolean isRunning() {
        return created && Boolean.TRUE.equals(docker().inspectContainerCmd(container.getContainerId()).exec()
                .getState().getRunning());
    }

    @Override
    public Path logFile() {
        try {
            Path file = Files.createTempFile("aegis-" + name + "-", ".log");
            Files.writeString(file, created ? container.getLogs() : "(not started)", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String describe() {
        return container.getDockerImageName() + " " + container.getPortBindings();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}
