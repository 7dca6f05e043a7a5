package dev.aegis.testsupport;

import dev.aegis.localstack.Dist;
import dev.aegis.localstack.KafkaServer;
import dev.aegis.localstack.KeycloakServer;
import dev.aegis.localstack.ManagedProcess;
import dev.aegis.localstack.MongoServer;
import dev.aegis.localstack.PortTakenException;
import dev.aegis.localstack.Ports;
import dev.aegis.localstack.S3ProxyServer;
import dev.aegis.localstack.ServerProcess;
import dev.aegis.localstack.StackPaths;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Starts the real servers asked for by {@link RealServers} once per test JVM, each as its own
 * process on free ports with state in {@code .aegis/test-runs/<pid>-<id>/}, stops them at JVM exit,
 * and sets the Spring properties of docs/architecture.md as system properties. The start logic is
 * the one of {@code ./aegis} (module local-stack).
 */
public final class RealServersExtension implements BeforeAllCallback, TestInstancePostProcessor {

    private static final Map<Server, ServerHandle> HANDLES = new EnumMap<>(Server.class);
    private static final int PORT_ATTEMPTS = 3;
    private static StackPaths paths;
    private static boolean processDistChecked;

    @Override
    public void beforeAll(ExtensionContext context) {
        start(requested(context.getRequiredTestClass()));
    }

    /** Also here: with a PER_CLASS lifecycle Spring may build its context before beforeAll. */
    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        start(requested(testInstance.getClass()));
    }

    private static Set<Server> requested(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            RealServers annotation = c.getAnnotation(RealServers.class);
            if (annotation != null) {
                return EnumSet.copyOf(Arrays.asList(annotation.value()));
            }
        }
        return EnumSet.allOf(Server.class);
    }

    public static KafkaHandle kafka() {
        return (KafkaHandle) start(EnumSet.of(Server.KAFKA)).get(Server.KAFKA);
    }

    public static MongoHandle mongo() {
        return (MongoHandle) start(EnumSet.of(Server.MONGO)).get(Server.MONGO);
    }

    public static S3Handle s3() {
        return (S3Handle) start(EnumSet.of(Server.S3)).get(Server.S3);
    }

    public static KeycloakHandle keycloak() {
        return (KeycloakHandle) start(EnumSet.of(Server.KEYCLOAK)).get(Server.KEYCLOAK);
    }

    /** Starts (in parallel) the servers not yet started in this JVM; idempotent. */
    static synchronized Map<Server, ServerHandle> start(Set<Server> servers) {
        List<Server> missing = servers.stream().filter(s -> !HANDLES.containsKey(s)).toList();
        if (missing.isEmpty()) {
            return HANDLES;
        }
        StackPaths p = paths();
        ServerMode mode = ServerMode.current();
        Map<Server, Supplier<ServerHandle>> factories = new EnumMap<>(Server.class);
        if (mode == ServerMode.CONTAINERS) {
            ContainerServers containers = ContainerServers.requireEngine(p.root());
            for (Server server : missing) {
                factories.put(server, () -> containers.create(server));
            }
        } else {
            if (!processDistChecked) {
                log(ServerMode.containerRunSkippedReason());
                log("installing server binaries if needed under " + p.dist());
                new Dist(p.root()).ensureInstalled(RealServersExtension::log);
                processDistChecked = true;
            }
            for (Server server : missing) {
                factories.put(server, () -> create(server, p));
            }
        }
        Map<Server, ServerHandle> created = new ConcurrentHashMap<>();
        Map<Server, CompletableFuture<Void>> starts = new EnumMap<>(Server.class);
        // One thread per server: the common pool has a single worker on a 2-core machine, which
        // would start the servers one after the other.
        ExecutorService executor = Executors.newFixedThreadPool(factories.size(), daemonThreads("real-servers-start"));
        try {
            factories.forEach((server, factory) -> starts.put(server, CompletableFuture.runAsync(
                    () -> created.put(server, startWithFreshPortsIfTaken(server, factory, mode)), executor)));
            CompletableFuture.allOf(starts.values().toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            created.values().forEach(ServerHandle::stop);
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } finally {
            executor.shutdown();
        }
        HANDLES.putAll(created);
        created.forEach(RealServersExtension::publish);
        System.setProperty("aegis.security.audience", "aegis-api");
        return HANDLES;
    }

    /**
     * Free ports are picked from the kernel's ephemeral range, so an outgoing connection of any
     * process on the machine may take one between the pick and the bind. Picking again is the fix;
     * a port named by the user (the launcher) still fails fast instead.
     */
    private static ServerHandle startWithFreshPortsIfTaken(Server server, Supplier<ServerHandle> factory,
            ServerMode mode) {
        for (int attempt = 1; ; attempt++) {
            ServerHandle handle = factory.get();
            long t0 = System.nanoTime();
            try {
                handle.start();
            } catch (PortTakenException e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                log(server + ": " + e.getMessage() + "; picking other ports (attempt " + (attempt + 1) + ")");
                continue;
            }
            log(handle.kind() + " (" + mode.label() + ") healthy after " + (System.nanoTime() - t0) / 1_000_000
                    + " ms: " + handle.lifecycle().describe());
            return handle;
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static ServerHandle create(Server server, StackPaths p) {
        return switch (server) {
            case KAFKA -> {
                KafkaServer kafka = new KafkaServer(p, Ports.freePort(), Ports.freePort(), false);
                yield new KafkaHandle(new ProcessLifecycle(kafka), kafka::bootstrapServers);
            }
            case MONGO -> {
                MongoServer mongo = new MongoServer(p, Ports.freePort(), false);
                yield new MongoHandle(new ProcessLifecycle(mongo), mongo.uri(), mongo.port());
            }
            case S3 -> {
                S3ProxyServer s3 = new S3ProxyServer(p, Ports.freePort(), false);
                yield new S3Handle(new ProcessLifecycle(s3), s3.endpoint());
            }
            case KEYCLOAK -> {
                KeycloakServer keycloak = new KeycloakServer(p, null, Ports.freePort(), Ports.freePort(), false);
                yield new KeycloakHandle(new ProcessLifecycle(keycloak), keycloak.baseUrl());
            }
        };
    }

    private static void publish(Server server, ServerHandle handle) {
        switch (server) {
            case KAFKA -> System.setProperty("spring.kafka.bootstrap-servers", ((KafkaHandle) handle).bootstrapServers());
            case MONGO -> System.setProperty("spring.mongodb.uri", ((MongoHandle) handle).uri());
            case S3 -> {
                S3Handle s3 = (S3Handle) handle;
                System.setProperty("aegis.storage.endpoint", s3.endpoint());
                System.setProperty("aegis.storage.access-key", s3.accessKey());
                System.setProperty("aegis.storage.secret-key", s3.secretKey());
                System.setProperty("aegis.storage.bucket", s3.bucket());
                System.setProperty("aegis.storage.region", s3.region());
            }
            case KEYCLOAK -> System.setProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri",
                    ((KeycloakHandle) handle).issuerUri());
        }
    }

    private static StackPaths paths() {
        if (paths == null) {
            Path root = root();
            Path runs = root.resolve(".aegis").resolve("test-runs");
            cleanStaleRuns(runs);
            Path state = runs.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
            paths = StackPaths.of(root, state);
            Runtime.getRuntime().addShutdownHook(new Thread(RealServersExtension::stopAll, "real-servers-stop"));
        }
        return paths;
    }

    private static void stopAll() {
        List<Thread> stops = new ArrayList<>();
        synchronized (RealServersExtension.class) {
            for (ServerHandle handle : HANDLES.values()) {
                Thread stop = new Thread(() -> handle.lifecycle().stop(), "real-servers-stop-" + handle.kind());
                stop.start();
                stops.add(stop);
            }
        }
        for (Thread stop : stops) {
            try {
                stop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        deleteQuietly(paths.state());
    }

    /** Servers left by a test JVM that was killed (no shutdown hook): stop them, drop their state. */
    private static void cleanStaleRuns(Path runs) {
        if (!Files.isDirectory(runs)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                long owner;
                try {
                    owner = Long.parseLong(name.substring(0, name.indexOf('-')));
                } catch (RuntimeException e) {
                    continue;
                }
                if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                Path run = dir.resolve("run");
                if (Files.isDirectory(run)) {
                    try (DirectoryStream<Path> pids = Files.newDirectoryStream(run, "*.pid")) {
                        for (Path pid : pids) {
                            new ManagedProcess(pid.getFileName().toString(), dir.resolve("stale.log"), pid).stop();
                        }
                    }
                }
                deleteQuietly(dir);
            }
        } catch (IOException e) {
            log("could not clean " + runs + ": " + e.getMessage());
        }
    }

    /** {@code aegis.root} (set by surefire/failsafe in the root pom), else the nearest folder with mvnw. */
    static Path root() {
        String property = System.getProperty("aegis.root");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.exists(p.resolve("deploy/local/dist/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Aegis repository: set -Daegis.root=<repo>");
    }

    static void log(String line) {
        System.out.println("[real-servers] " + line);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a later run cleans it
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
