package dev.aegis.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** A server started as its own OS process: start, wait until healthy, stop (TERM then KILL). */
public abstract class ServerProcess {

    protected final String name;
    protected final StackPaths paths;
    protected final Path home;
    protected final ManagedProcess process;
    private final boolean detach;

    protected ServerProcess(String name, StackPaths paths, boolean detach) {
        this.name = name;
        this.paths = paths;
        this.home = paths.home(name);
        this.process = new ManagedProcess(name, paths.log(name), paths.pid(name));
        this.detach = detach;
    }

    public String name() {
        return name;
    }

    /**
     * JIT flags of a Java server: a test's server lives for seconds and only has to start fast
     * (C1 only); the local stack's runs for hours and carries the pipeline benchmark's load, so
     * it also gets the optimising compiler, as a long-running server is run.
     */
    protected List<String> jitFlags() {
        return detach ? List.of() : List.of("-XX:TieredStopAtLevel=1");
    }

    /** {@code java}, then {@code options}, then the JIT flags, then the rest. */
    protected List<String> javaCommand(List<String> options, String... rest) {
        List<String> command = new java.util.ArrayList<>();
        command.add(java());
        command.addAll(options);
        command.addAll(jitFlags());
        command.addAll(List.of(rest));
        return command;
    }

    /** Ports this component binds, keyed by the environment variable that configures each. */
    public abstract Map<String, Integer> ports();

    /** URL shown to people (status, up). */
    public abstract String url();

    public abstract boolean isHealthy();

    protected abstract List<String> command() throws IOException;

    protected Map<String, String> environment() {
        return Map.of();
    }

    /** Writes configuration, formats storage... before each start. */
    protected void prepare() throws IOException {
    }

    /**
     * Generous: on a loaded 2-core machine (parallel builds) starts take several times longer
     * than the figures in docs/operations-local.md. Override with -Daegis.start-timeout-seconds
     * or AEGIS_START_TIMEOUT_SECONDS.
     */
    public Duration startTimeout() {
        return configuredTimeout().orElse(Duration.ofSeconds(300));
    }

    protected static java.util.Optional<Duration> configuredTimeout() {
        String value = System.getProperty("aegis.start-timeout-seconds", System.getenv("AEGIS_START_TIMEOUT_SECONDS"));
        if (value == null || value.isBlank()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The running process's id, for benchmarks that read its CPU time from {@code /proc}. */
    public Optional<Long> pid() {
        return process.pid();
    }

    public Path logFile() {
        return process.logFile();
    }

    public String logTail(int lines) {
        return process.logTail(lines);
    }

    /** Starts the process (no-op when already running); fails fast on a taken port. */
    public synchronized void start() {
        if (process.isAlive()) {
            return;
        }
        checkPorts();
        try {
            prepare();
            process.start(command(), environment(), home, detach);
        } catch (IOException e) {
            throw new StartupException(name, "cannot prepare: " + e.getMessage(), e);
        }
    }

    public void checkPorts() {
        ports().forEach((variable, port) -> {
            if (!Ports.isFree(port)) {
                throw new PortTakenException(name, variable, port);
            }
        });
    }

    /**
     * Waits until healthy; fails as soon as the process exits, naming the component and quoting
     * the end of its log.
     */
    public void awaitHealthy(Consumer<String> progress) {
        long start = System.nanoTime();
        long deadline = start + startTimeout().toNanos();
        long nextReport = start + Duration.ofSeconds(5).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new StartupException(name, "exited during start-up; end of " + logFile() + ":"
                        + System.lineSeparator() + logTail(30));
            }
            if (isHealthy()) {
                return;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new StartupException(name, "not healthy after " + startTimeout().toSeconds() + " s; end of "
                        + logFile() + ":" + System.lineSeparator() + logTail(30));
            }
            if (now > nextReport) {
                progress.accept("waiting for " + name + " (" + Duration.ofNanos(now - start).toSeconds() + " s)");
                nextReport = now + Duration.ofSeconds(5).toNanos();
            }
            sleep(250);
        }
    }

    public synchronized void stop() {
        process.stop();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void uncheckedIo(IOException e) {
        throw new UncheckedIOException(e);
    }

    protected static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
