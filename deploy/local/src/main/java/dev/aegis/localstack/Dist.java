package dev.aegis.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Installs the server binaries under {@code .aegis/dist/} (outside target/, so mvn clean keeps
 * them): Maven fetches them from Central with the standalone build in {@code deploy/local/dist},
 * then Keycloak is unpacked and its one-time Quarkus build is done by a throwaway start.
 * A file lock makes concurrent test JVMs (several modules tested at once) install only once.
 */
public final class Dist {

    /** Keep in sync with deploy/local/dist/pom.xml: a change here reinstalls (layout=6: the MongoDB server stores BSON and sizes its cache by heap). */
    public static final String KEYCLOAK_VERSION = "26.7.3";
    static final String LAYOUT = "kafka=4.4.0 log4j-slf4j-impl=2.25.3 s3proxy=4.1.0 mongo-java-server=1.47.0 keycloak="
            + KEYCLOAK_VERSION + " layout=6";

    private static final Object JVM_LOCK = new Object();

    private final Path root;
    private final Path dist;

    public Dist(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.dist = this.root.resolve(".aegis").resolve("dist");
    }

    public Path dir() {
        return dist;
    }

    public Path keycloakHome() {
        return dist.resolve("keycloak-" + KEYCLOAK_VERSION);
    }

    private Path keycloakZip() {
        return dist.resolve("keycloak-" + KEYCLOAK_VERSION + ".zip");
    }

    /** True when every binary is in place and Keycloak is built. */
    public boolean isInstalled() {
        return layoutCurrent() && Files.exists(keycloakBuilt());
    }

    private Path keycloakBuilt() {
        return keycloakHome().resolve(".aegis-built");
    }

    private boolean layoutCurrent() {
        try {
            return Files.exists(dist.resolve("VERSION"))
                    && Files.readString(dist.resolve("VERSION")).trim().equals(LAYOUT)
                    && Files.exists(dist.resolve("kafka/lib"))
                    && Files.exists(dist.resolve("mongo/lib/aegis-mongo-main.jar"))
                    && Files.exists(dist.resolve("s3proxy/s3proxy.jar"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Installs whatever is missing; fast no-op when all is there. */
    public void ensureInstalled(Consumer<String> progress) {
        if (isInstalled()) {
            return;
        }
        synchronized (JVM_LOCK) {
            try {
                Files.createDirectories(dist);
                try (FileChannel channel = FileChannel.open(dist.resolve(".install.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    if (!layoutCurrent()) {
                        fetch(progress);
                    }
                    if (!Files.isDirectory(keycloakHome())) {
                        unpackKeycloak(progress);
                    }
                    if (!Files.exists(keycloakBuilt())) {
                        buildKeycloak(progress);
                    }
                }
            } catch (IOException e) {
                throw new StartupException("install", e.getMessage(), e);
            }
        }
    }

    private void fetch(Consumer<String> progress) throws IOException {
        progress.accept("fetching server binaries from Maven Central into " + dist + " (once)");
        for (String stale : List.of("kafka", "mongo", "s3proxy")) {
            deleteTree(dist.resolve(stale));
        }
        Path log = dist.resolve("install.log");
        Path mvnw = root.resolve("mvnw");
        List<String> cmd = List.of(mvnw.toString(), "-q", "-B", "-f",
                root.resolve("deploy/local/dist/pom.xml").toString(), "package", "-Daegis.dist=" + dist);
        int rc = run(cmd, root, log, 30);
        if (rc != 0) {
            throw new StartupException("install", "fetching the server binaries failed (" + String.join(" ", cmd)
                    + "); end of " + log + ":" + System.lineSeparator() + tail(log, 30));
        }
        Files.writeString(dist.resolve("VERSION"), LAYOUT);
    }

    private void unpackKeycloak(Consumer<String> progress) throws IOException {
        if (!Files.exists(keycloakZip())) {
            fetch(progress);
        }
        progress.accept("unpacking Keycloak " + KEYCLOAK_VERSION + " (once)");
        Path work = dist.resolve(".keycloak-unzip-" + ProcessHandle.current().pid());
        deleteTree(work);
        unzip(keycloakZip(), work);
        Files.move(work.resolve("keycloak-" + KEYCLOAK_VERSION), keycloakHome(), StandardCopyOption.ATOMIC_MOVE);
        deleteTree(work);
        Files.deleteIfExists(keycloakZip());
    }

    /**
     * A throwaway start-dev in the shared distribution, with the same build options as
     * KeycloakServer (kc.sh build would make a production-mode build, which start-dev throws away
     * and redoes on every start). It leaves the Quarkus build in lib/quarkus and an initialised
     * H2 database (schema + master realm + bootstrap admin) in data/h2 that every instance copies,
     * so an instance start skips both the ~40 s build and the schema creation.
     */
    private void buildKeycloak(Consumer<String> progress) throws IOException {
        progress.accept("Keycloak one-time build and database template (~1 min, once)");
        Path home = keycloakHome();
        deleteTree(home.resolve("data"));
        Path scratch = dist.resolve(".keycloak-build-" + ProcessHandle.current().pid());
        KeycloakServer probe = new KeycloakServer(new StackPaths(root, dist, scratch), home,
                Ports.freePort(), Ports.freePort(), false);
        try {
            probe.start();
            probe.awaitHealthy(progress);
        } finally {
            probe.stop();
        }
        deleteTree(home.resolve("data").resolve("tmp"));
        deleteTree(home.resolve("data").resolve("import"));
        deleteTree(scratch);
        Files.writeString(keycloakBuilt(), LAYOUT);
    }

    static int run(List<String> cmd, Path dir, Path log, int timeoutMinutes) throws IOException {
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (InputStream in = Files.newInputStream(zip); ZipInputStream zin = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zin.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("bad zip entry " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zin, out, StandardCopyOption.REPLACE_EXISTING);
                    if (entry.getName().endsWith(".sh")) {
                        out.toFile().setExecutable(true);
                    }
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
