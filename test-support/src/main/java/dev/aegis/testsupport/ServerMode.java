package dev.aegis.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which real servers the integration tests talk to: OS processes (default, needs nothing but a
 * JDK) or container images through Testcontainers ({@code -Daegis.servers=containers}, set by the
 * root pom's {@code containers} profile, which activates itself where a Docker socket exists).
 */
enum ServerMode {
    PROCESSES("process"), CONTAINERS("container");

    static final String PROPERTY = "aegis.servers";

    private final String label;

    ServerMode(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static ServerMode current() {
        String value = System.getProperty(PROPERTY, System.getenv().getOrDefault("AEGIS_SERVERS", "processes"));
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "containers", "container", "testcontainers" -> CONTAINERS;
            case "processes", "process", "" -> PROCESSES;
            default -> throw new IllegalArgumentException(PROPERTY + "=" + value
                    + " is not a server mode: use 'processes' (default) or 'containers'");
        };
    }

    /** Printed by the process run so nobody wonders whether the container run happened. */
    static String containerRunSkippedReason() {
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return "Testcontainers run: not in this JVM (DOCKER_HOST=" + dockerHost + " is set: run ./mvnw verify"
                    + " -Pcontainers to run the same integration tests against images)";
        }
        if (Files.exists(Path.of("/var/run/docker.sock"))) {
            return "Testcontainers run: not in this JVM (a Docker socket exists, so the build's 'containers'"
                    + " profile runs the same integration tests against images in a second failsafe run)";
        }
        return "Testcontainers run skipped: no container engine on this machine (no /var/run/docker.sock,"
                + " DOCKER_HOST unset); the integration tests run on real server processes only";
    }
}
