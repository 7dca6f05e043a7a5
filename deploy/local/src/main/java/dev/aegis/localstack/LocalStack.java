package dev.aegis.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The stack behind ./aegis: fixed ports from the environment, state in .aegis/ or in the folder
 * named by {@code AEGIS_STATE} (a second stack, e.g. the e2e module's, beside a developer's).
 */
public final class LocalStack {

    public static final String PORTAL = "gateway";

    private final StackPaths paths;
    private final Map<String, String> env;
    private final KafkaServer kafka;
    private final MongoServer mongo;
    private final S3ProxyServer s3;
    private final KeycloakServer keycloak;
    private final List<SpringBootService> services = new ArrayList<>();

    public LocalStack(Path root, Map<String, String> env) {
        this.env = env;
        this.paths = StackPaths.of(root, state(root, env));
        this.kafka = new KafkaServer(paths, port("AEGIS_KAFKA_PORT", 9092), port("AEGIS_KAFKA_CONTROLLER_PORT", 9093), true);
        this.mongo = new MongoServer(paths, port("AEGIS_MONGO_PORT", 27027), true);
        this.s3 = new S3ProxyServer(paths, port("AEGIS_S3_PORT", 9300), true);
        this.keycloak = new KeycloakServer(paths, null, port("AEGIS_KEYCLOAK_PORT", 8180),
                port("AEGIS_KEYCLOAK_MANAGEMENT_PORT", 9190), true);
        int inference = port("AEGIS_INFERENCE_PORT", 8081);
        int adversarial = port("AEGIS_ADVERSARIAL_PORT", 8082);
        int history = port("AEGIS_HISTORY_PORT", 8083);
        int gateway = port("AEGIS_GATEWAY_PORT", 8080);
        Map<String, String> common = new LinkedHashMap<>();
        common.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        common.put("SPRING_MONGODB_URI", mongo.uri());
        common.put("AEGIS_STORAGE_ENDPOINT", s3.endpoint());
        common.put("AEGIS_STORAGE_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
        common.put("AEGIS_STORAGE_SECRET_KEY", S3ProxyServer.SECRET_KEY);
        common.put("AEGIS_STORAGE_BUCKET", S3ProxyServer.BUCKET);
        common.put("AEGIS_STORAGE_REGION", S3ProxyServer.REGION);
        common.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", keycloak.issuerUri());
        common.put("AEGIS_SECURITY_AUDIENCE", "aegis-api");
        // mongo-java-server has no "hello" command: Boot's Mongo health indicator (key "mongodb" in Boot 4) would report DOWN
        // forever (see /work/shared/notes/local-servers.md); the port check of up covers Mongo
        common.put("MANAGEMENT_HEALTH_MONGODB_ENABLED", "false");
        // the gateway routes to the others; pass every port so its local profile can use them
        common.put("AEGIS_INFERENCE_URL", "http://127.0.0.1:" + inference);
        common.put("AEGIS_ADVERSARIAL_URL", "http://127.0.0.1:" + adversarial);
        common.put("AEGIS_HISTORY_URL", "http://127.0.0.1:" + history);
        common.put("AEGIS_KEYCLOAK_URL", keycloak.baseUrl());
        Map<String, String> inferenceEnv = new LinkedHashMap<>(common);
        inferenceEnv.put("AEGIS_MODELS_BOOTSTRAP_DIR", paths.state().resolve("models").toString());
        services.add(new SpringBootService(paths, "inference", "inference-service", "AEGIS_INFERENCE_PORT", inference,
                "local,api,worker", inferenceEnv, true));
        services.add(new SpringBootService(paths, "adversarial", "adversarial-service", "AEGIS_ADVERSARIAL_PORT",
                adversarial, "local,api,worker", common, true));
        services.add(new SpringBootService(paths, "history", "history-service", "AEGIS_HISTORY_PORT", history,
                "local", common, true));
        services.add(new SpringBootService(paths, PORTAL, "gateway", "AEGIS_GATEWAY_PORT", gateway, "local", common, true));
    }

    /** {@code AEGIS_STATE} (relative: to the repository root), else {@code <root>/.aegis}. */
    static Path state(Path root, Map<String, String> env) {
        String state = env.get("AEGIS_STATE");
        if (state == null || state.isBlank()) {
            return root.resolve(".aegis");
        }
        return root.resolve(state.trim());
    }

    private int port(String variable, int fallback) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new StartupException("config", variable + "=" + value + " is not a port number");
        }
    }

    public StackPaths paths() {
        return paths;
    }

    public List<ServerProcess> infrastructure() {
        return List.of(kafka, mongo, s3, keycloak);
    }

    public List<SpringBootService> services() {
        return services;
    }

    public List<ServerProcess> all() {
        List<ServerProcess> all = new ArrayList<>(infrastructure());
        all.addAll(services);
        return all;
    }

    public SpringBootService portal() {
        return services.stream().filter(s -> s.name().equals(PORTAL)).findFirst().orElseThrow();
    }

    /**
     * Starts what is not running: servers first (in parallel), then the built services (in
     * parallel). On any failure every component started by this call is stopped again.
     */
    public void up(Consumer<String> out) {
        List<ServerProcess> toStart = preflight(out);
        new Dist(paths.root()).ensureInstalled(out);
        List<ServerProcess> started = new ArrayList<>();
        List<ServerProcess> servers = toStart.stream().filter(s -> !(s instanceof SpringBootService)).toList();
        List<ServerProcess> runnable = toStart.stream().filter(s -> s instanceof SpringBootService).toList();
        try {
            startAll(servers, started, out);
            startAll(runnable, started, out);
        } catch (StartupException e) {
            out.accept("stopping the components started so far...");
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).stop();
            }
            throw e;
        }
    }

    /**
     * What up would start (not running yet; services only when built), after checking every port
     * of it: a taken port gives a clear message before anything starts, not half a stack.
     */
    public List<ServerProcess> preflight(Consumer<String> out) {
        List<ServerProcess> toStart = new ArrayList<>();
        for (ServerProcess server : infrastructure()) {
            if (!server.isRunning()) {
                toStart.add(server);
            }
        }
        for (SpringBootService service : services) {
            if (!service.isBuilt()) {
                out.accept("WARNING " + service.name() + ": not built (no jar in " + service.module()
                        + "/target), skipped");
            } else if (!service.isRunning()) {
                toStart.add(service);
            }
        }
        toStart.forEach(ServerProcess::checkPorts);
        return toStart;
    }

    private static void startAll(List<ServerProcess> servers, List<ServerProcess> started, Consumer<String> out) {
        if (servers.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(servers.size());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (ServerProcess server : servers) {
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    out.accept("starting " + server.name() + " ...");
                    synchronized (started) {
                        started.add(server);
                    }
                    server.start();
                    server.awaitHealthy(out);
                    out.accept(String.format("%-12s healthy after %4.1f s  %s", server.name(),
                            Duration.ofNanos(System.nanoTime() - t0).toMillis() / 1000.0, server.url()));
                    return null;
                }));
            }
            StartupException failure = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof StartupException se ? se
                                : new StartupException("stack", String.valueOf(e.getCause()), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("stack", "interrupted");
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Stops services first, then the servers they use. */
    public void down(Consumer<String> out) {
        List<ServerProcess> all = all();
        for (int i = all.size() - 1; i >= 0; i--) {
            ServerProcess server = all.get(i);
            if (server.isRunning()) {
                out.accept("stopping " + server.name());
                server.stop();
            }
        }
    }

    /** One line per component; true when every component that exists (is built) is healthy. */
    public boolean status(Consumer<String> out) {
        boolean allHealthy = true;
        for (ServerProcess server : all()) {
            String state;
            if (server instanceof SpringBootService s && !s.isBuilt()) {
                state = "not built";
            } else if (!server.isRunning()) {
                state = "stopped";
                allHealthy = false;
            } else if (server.isHealthy()) {
                state = "healthy";
            } else {
                state = "unhealthy";
                allHealthy = false;
            }
            out.accept(String.format("%-12s %-10s %s", server.name(), state, server.url()));
        }
        return allHealthy;
    }

    public Path logFile(String component) {
        return paths.log(component);
    }

    public boolean hasModel() {
        Path models = paths.state().resolve("models");
        try (var list = Files.list(models)) {
            return list.findAny().isPresent();
        } catch (Exception e) {
            return false;
        }
    }
}
