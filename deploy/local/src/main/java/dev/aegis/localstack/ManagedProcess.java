package dev.aegis.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One OS process with its log file and pid file. The pid file lets a later ./aegis invocation
 * (a different JVM) find, check and stop the process; it also records the start instant so that
 * a recycled pid is never mistaken for our server.
 */
public final class ManagedProcess {

    private static final Duration GRACE = Duration.ofSeconds(20);

    private final String name;
    private final Path logFile;
    private final Path pidFile;

    public ManagedProcess(String name, Path logFile, Path pidFile) {
        this.name = name;
        this.logFile = logFile;
        this.pidFile = pidFile;
    }

    public Path logFile() {
        return logFile;
    }

    /** Starts the command; output (stdout and stderr) is appended to the log file. */
    public void start(List<String> command, Map<String, String> env, Path workDir, boolean detach) {
        if (isAlive()) {
            throw new StartupException(name, "already running (pid " + pid().orElse(-1L) + ")");
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.createDirectories(pidFile.getParent());
            Files.createDirectories(workDir);
            List<String> cmd = new ArrayList<>();
            // setsid: a server started by ./aegis up must not die with the terminal's process group
            if (detach && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                cmd.add("/usr/bin/setsid");
            }
            cmd.addAll(command);
            Files.writeString(logFile, "---- " + Instant.now() + " starting " + name + ": "
                    + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            ProcessHandle handle = process.toHandle();
            Files.writeString(pidFile, handle.pid() + " "
                    + handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
        } catch (IOException e) {
            throw new StartupException(name, "cannot start: " + e.getMessage(), e);
        }
    }

    public Optional<Long> pid() {
        return handle().map(ProcessHandle::pid);
    }

    public boolean isAlive() {
        return handle().map(ProcessHandle::isAlive).orElse(false);
    }

    private Optional<ProcessHandle> handle() {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(pidFile).trim().split("\\s+");
            long pid = Long.parseLong(parts[0]);
            long started = parts.length > 1 ? Long.parseLong(parts[1]) : 0L;
            return ProcessHandle.of(pid).filter(h -> started == 0L
                    || h.info().startInstant().map(Instant::toEpochMilli).map(s -> s == started).orElse(true));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** TERM to the process and all its descendants, KILL whatever is left after the grace period. */
    public void stop() {
        Optional<ProcessHandle> root = handle();
        if (root.isPresent() && root.get().isAlive()) {
            List<ProcessHandle> all = new ArrayList<>(root.get().descendants().collect(Collectors.toList()));
            all.add(0, root.get());
            all.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + GRACE.toNanos();
            for (ProcessHandle h : all) {
                long left = deadline - System.nanoTime();
                try {
                    if (left > 0) {
                        h.onExit().get(left, TimeUnit.NANOSECONDS);
                    }
                } catch (Exception e) {
                    // timed out: killed below
                }
            }
            all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // nothing more we can do
                }
            }
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of the log, for error messages. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log at " + logFile + ")";
            }
            // stack frames say little in a start-up failure: keep the messages and "Caused by" lines
            List<String> all = Files.readAllLines(logFile, StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> !l.startsWith("\tat ") && !l.matches("\\s+at .*") && !l.matches("\\s+\\.\\.\\. \\d+ more"))
                    .toList();
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }
}
