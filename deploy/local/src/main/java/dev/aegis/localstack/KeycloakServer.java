package dev.aegis.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keycloak in dev mode on an H2 file, realm {@code aegis} imported at first start.
 * Every instance runs from its own copy of the built distribution (hard links, plus real copies of
 * the few folders Keycloak writes to), so parallel test JVMs and ./aegis never share a database.
 */
public final class KeycloakServer extends ServerProcess {

    public static final String REALM = "aegis";
    public static final String ADMIN_USER = "aegis-admin";
    public static final String ADMIN_PASSWORD = "aegis-admin-local";
    static final String REALM_FILE = "auth/src/main/resources/realm/aegis-realm.json";

    private final Path distribution;
    private final int port;
    private final int managementPort;

    /** {@code distribution}: a built Keycloak; null means the one installed by {@link Dist}. */
    public KeycloakServer(StackPaths paths, Path distribution, int port, int managementPort, boolean detach) {
        super("keycloak", paths, detach);
        this.distribution = distribution;
        this.port = port;
        this.managementPort = managementPort;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String issuerUri() {
        return baseUrl() + "/realms/" + REALM;
    }

    @Override
    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("AEGIS_KEYCLOAK_PORT", port);
        ports.put("AEGIS_KEYCLOAK_MANAGEMENT_PORT", managementPort);
        return ports;
    }

    @Override
    public String url() {
        return baseUrl() + " (realm " + REALM + ")";
    }

    @Override
    public Duration startTimeout() {
        // the throwaway start at install time includes the ~45 s Quarkus build and the schema
        return configuredTimeout().orElse(Duration.ofSeconds(distribution != null ? 900 : 600));
    }

    @Override
    public boolean isHealthy() {
        return Probes.httpStatus("http://127.0.0.1:" + managementPort + "/health/ready") == 200
                && (distribution != null
                || Probes.httpStatus(issuerUri() + "/.well-known/openid-configuration") == 200);
    }

    private Path instance() {
        return distribution != null ? distribution : home.resolve("server");
    }

    @Override
    protected void prepare() throws IOException {
        if (distribution != null) {
            return;
        }
        Path instance = instance();
        if (!Files.isDirectory(instance)) {
            copyDistribution(new Dist(paths.root()).keycloakHome(), instance);
        }
        Path imports = instance.resolve("data").resolve("import");
        Files.createDirectories(imports);
        Path realm = paths.root().resolve(REALM_FILE);
        if (Files.exists(realm)) {
            Files.copy(realm, imports.resolve("aegis-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        } else {
            // until the auth module's realm exists: same realm, clients, roles and users, minimal
            try (InputStream in = KeycloakServer.class.getResourceAsStream("aegis-realm-fallback.json")) {
                Files.copy(in, imports.resolve("aegis-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * {@code cp -al} takes ~1 s for 190 MB; lib/quarkus (the build), conf and data (the template
     * database) are real copies so nothing an instance writes can reach the shared distribution.
     */
    private void copyDistribution(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Dist.deleteTree(tmp);
        Files.createDirectories(tmp.getParent());
        exec(List.of("cp", "-al", source.toString(), tmp.toString()), "cp -al");
        for (String writable : List.of("lib/quarkus", "conf", "data")) {
            Dist.deleteTree(tmp.resolve(writable));
            if (Files.exists(source.resolve(writable))) {
                exec(List.of("cp", "-a", source.resolve(writable).toString(), tmp.resolve(writable).toString()),
                        "cp -a");
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private void exec(List<String> cmd, String what) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(what + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
    }

    @Override
    protected List<String> command() {
        return List.of(instance().resolve("bin").resolve("kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + managementPort,
                // one issuer for browsers and APIs: the one the resource servers are configured with
                "--hostname=" + baseUrl(),
                "--db=dev-file",
                "--health-enabled=true",
                "--import-realm");
    }

    @Override
    protected Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m");
        // C1 only: starts need far less CPU on a shared 2-core machine; peak speed does not matter here
        env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return env;
    }
}
