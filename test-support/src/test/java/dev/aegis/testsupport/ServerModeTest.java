package dev.aegis.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerModeTest {

    @AfterEach
    void clear() {
        System.clearProperty(ServerMode.PROPERTY);
    }

    @Test
    void processesUnlessContainersAreAskedFor() {
        assertThat(ServerMode.current()).isEqualTo(ServerMode.PROCESSES);
        System.setProperty(ServerMode.PROPERTY, " Containers ");
        assertThat(ServerMode.current()).isEqualTo(ServerMode.CONTAINERS);
        System.setProperty(ServerMode.PROPERTY, "processes");
        assertThat(ServerMode.current()).isEqualTo(ServerMode.PROCESSES);
    }

    @Test
    void aTypoIsRefusedRatherThanSilentlyRunningTheOtherMode() {
        System.setProperty(ServerMode.PROPERTY, "docker-ish");
        assertThatThrownBy(ServerMode::current).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("docker-ish").hasMessageContaining("containers");
    }

    @Test
    void theProcessRunSaysWhyNoContainerRunHappened() {
        boolean engine = java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                || System.getenv("DOCKER_HOST") != null;
        assertThat(ServerMode.containerRunSkippedReason())
                .contains(engine ? "not in this JVM" : "skipped: no container engine");
    }
}
