package dev.aegis.localstack;

import java.util.List;
import java.util.Map;

/**
 * mongo-java-server with its H2 backend (one .mv file), through our tiny main in dist/mongo
 * ({@code SnapshotH2Backend}: scans pinned to their H2 version, bounded sort for sort + limit).
 *
 * <p>Sized for a page query over 100k documents of one collection (the history benchmark): the
 * server has no index-backed sort, so every page scans the collection. A 256 MB H2 page cache keeps
 * the deserialised pages of ~100k history records, so repeated scans skip disk reads and
 * deserialisation; the heap leaves room for that cache plus the documents of a scan. The JVM
 * commits heap only as it is used, so a small test database stays small. No C1-only flag here
 * (unlike the other servers): the scan loop is the hot path of a long-running server.
 */
public final class MongoServer extends ServerProcess {

    private final int port;

    public MongoServer(StackPaths paths, int port, boolean detach) {
        super("mongo", paths, detach);
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** Connection string with the database {@code aegis}. */
    public String uri() {
        return "mongodb://127.0.0.1:" + port + "/aegis";
    }

    @Override
    public Map<String, Integer> ports() {
        return Map.of("AEGIS_MONGO_PORT", port);
    }

    @Override
    public String url() {
        return uri();
    }

    @Override
    public boolean isHealthy() {
        // the main binds only after the H2 file is open
        return Ports.isOpen(port);
    }

    /** H2 page cache of the server, MB. */
    static final int CACHE_MB = 256;

    @Override
    protected List<String> command() {
        // A young generation of 384 MB: H2's cache keeps the pages the server writes, so a small
        // one copied them at every collection (1.1-1.2 ms of GC per pipeline bench image, 0.4
        // with -Xmn384m). -Xmx1g keeps the old generation above its former 512 MB.
        return List.of(java(), "-Xmx1g", "-Xmn384m", "-XX:+UseSerialGC", "-Daegis.mongo.cache-mb=" + CACHE_MB,
                "-cp", paths.dist().resolve("mongo").resolve("lib") + "/*",
                "dev.aegis.localstack.mongo.MongoMain", "127.0.0.1", String.valueOf(port),
                home.resolve("data").resolve("aegis.mv").toString());
    }
}
