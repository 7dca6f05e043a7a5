package dev.aegis.testsupport;

import dev.aegis.localstack.KafkaServer;

/** A Kafka broker (KRaft) of this test JVM. */
public final class KafkaHandle extends ServerHandle {

    private final KafkaServer kafka;

    KafkaHandle(KafkaServer kafka) {
        super(kafka);
        this.kafka = kafka;
    }

    /** e.g. {@code 127.0.0.1:41234}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
