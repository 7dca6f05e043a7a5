package dev.aegis.testsupport;

import dev.aegis.localstack.MongoServer;

/** mongo-java-server (H2 backend) of this test JVM. */
public final class MongoHandle extends ServerHandle {

    private final MongoServer mongo;

    MongoHandle(MongoServer mongo) {
        super(mongo);
        this.mongo = mongo;
    }

    /** {@code mongodb://127.0.0.1:PORT/aegis}. */
    public String uri() {
        return mongo.uri();
    }

    public int port() {
        return mongo.port();
    }
}
