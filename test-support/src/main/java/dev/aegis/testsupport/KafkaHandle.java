package dev.aegis.testsupport;

import java.util.function.Supplier;

/** A Kafka broker (KRaft) of this test JVM. */
public final class KafkaHandle extends ServerHandle {

    private final Supplier<String> bootstrapServers;

    KafkaHandle(Lifecycle lifecycle, Supplier<String> bootstrapServers) {
        super(Server.KAFKA, lifecycle);
        this.bootstrapServers = bootstrapServers;
    }

    /** e.g. {@code 127.0.0.1:41234}. */
    public String bootstrapServers() {
        return bootstrapServers.get();
    }
}
