package dev.aegis.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerProcessTest {

    @TempDir
    Path dir;

    /** A stand-in server: a shell command; healthy when its port accepts connections. */
    static final class ShellServer extends ServerProcess {
        private final String script;
        private final int port;

        ShellServer(StackPaths paths, String script, int port) {
            super("fake", paths, false);
            this.script = script;
            this.port = port;
        }

        @Override
        public Map<String, Integer> ports() {
            return Map.of("FAKE_PORT", port);
        }

        @Override
        public String url() {
            return "tcp://127.0.0.1:" + port;
        }

        @Override
        public boolean isHealthy() {
            return Ports.isOpen(port);
        }

        @Override
        protected List<String> command() {
            return List.of("sh", "-c", script);
        }
    }

    @Test
    void aServerThatDiesDuringStartIsNamedWithTheEndOfItsLog() {
        ShellServer server = new ShellServer(StackPaths.of(dir, dir.resolve("state")),
                "echo 'first line'; echo 'Address already in use: boom' >&2; exit 3", Ports.freePort());
        server.start();

        assertThatThrownBy(() -> server.awaitHealthy(line -> { }))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("fake: exited during start-up")
                .hasMessageContaining("Address already in use: boom")
                .hasMessageContaining("first line");
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void stopTerminatesTheProcessAndItsChildren() {
        ShellServer server = new ShellServer(StackPaths.of(dir, dir.resolve("state")),
                "sleep 300 & sleep 300; wait", Ports.freePort());
        server.start();
        assertThat(server.isRunning()).isTrue();
        long pid = Long.parseLong(readPid(dir.resolve("state/run/fake.pid")));
        List<ProcessHandle> children = new ArrayList<>(ProcessHandle.of(pid).orElseThrow().descendants().toList());

        server.stop();

        assertThat(server.isRunning()).isFalse();
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(dir.resolve("state/run/fake.pid")).doesNotExist();
    }

    @Test
    void aPidFileOfAnotherJvmIsFoundAgain() {
        StackPaths paths = StackPaths.of(dir, dir.resolve("state"));
        ShellServer first = new ShellServer(paths, "sleep 300", Ports.freePort());
        first.start();
        // a second object (as in a later ./aegis invocation) sees and stops the same process
        ShellServer later = new ShellServer(paths, "sleep 300", Ports.freePort());
        assertThat(later.isRunning()).isTrue();
        later.stop();
        assertThat(first.isRunning()).isFalse();
    }

    private static String readPid(Path file) {
        try {
            return java.nio.file.Files.readString(file).trim().split("\\s+")[0];
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
