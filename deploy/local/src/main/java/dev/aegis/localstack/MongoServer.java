package dev.aegis.localstack;

import java.util.List;
import java.util.Map;

/** mongo-java-server with its H2 backend (one .mv file), through our tiny main in dist/mongo. */
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

    @Override
    protected List<String> command() {
        return List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", paths.dist().resolve("mongo").resolve("lib") + "/*",
                "dev.aegis.localstack.mongo.MongoMain", "127.0.0.1", String.valueOf(port),
                home.resolve("data").resolve("aegis.mv").toString());
    }
}
