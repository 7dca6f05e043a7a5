package dev.aegis.testsupport;

/** The MongoDB-protocol server of this test JVM: mongo-java-server (H2 backend), or MongoDB in container mode. */
public final class MongoHandle extends ServerHandle {

    private final String uri;
    private final int port;

    MongoHandle(Lifecycle lifecycle, String uri, int port) {
        super(Server.MONGO, lifecycle);
        this.uri = uri;
        this.port = port;
    }

    /** {@code mongodb://127.0.0.1:PORT/aegis}. */
    public String uri() {
        return uri;
    }

    public int port() {
        return port;
    }
}
