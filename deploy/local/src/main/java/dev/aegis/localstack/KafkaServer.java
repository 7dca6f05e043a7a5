package dev.aegis.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Apache Kafka in KRaft mode, broker and controller in one JVM. */
public final class KafkaServer extends ServerProcess {

    private final int port;
    private final int controllerPort;

    public KafkaServer(StackPaths paths, int port, int controllerPort, boolean detach) {
        super("kafka", paths, detach);
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public int port() {
        return port;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("AEGIS_KAFKA_PORT", port);
        ports.put("AEGIS_KAFKA_CONTROLLER_PORT", controllerPort);
        return ports;
    }

    @Override
    public String url() {
        return "PLAINTEXT://" + bootstrapServers();
    }

    @Override
    public boolean isHealthy() {
        // clients retry during the broker's last second of start-up, so an open port is enough
        return Ports.isOpen(port);
    }

    private Path config() {
        return home.resolve("config");
    }

    @Override
    protected void prepare() throws IOException {
        Files.createDirectories(config());
        Path data = home.resolve("data");
        String properties = String.join("\n",
                "node.id=1",
                "process.roles=broker,controller",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=3",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                // 50 partitions by default: the first consumer group would wait for all of them
                "offsets.topic.num.partitions=5",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=5",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "") ;
        Files.writeString(config().resolve("server.properties"), properties);
        Files.writeString(config().resolve("log4j2.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="warn">
                  <Appenders>
                    <Console name="out" target="SYSTEM_OUT">
                      <PatternLayout pattern="%d{ISO8601} %-5p [%c{1}] %m%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                    <Logger name="kafka" level="info"/>
                    <Logger name="org.apache.kafka" level="warn"/>
                    <Logger name="state.change.logger" level="warn"/>
                    <Root level="info"><AppenderRef ref="out"/></Root>
                  </Loggers>
                </Configuration>
                """);
        if (!Files.exists(data.resolve("meta.properties"))) {
            format();
        }
    }

    private void format() throws IOException {
        List<String> cmd = List.of(java(), "-Xmx256m", "-cp", classpath(),
                "-Dlog4j2.configurationFile=" + config().resolve("log4j2.xml"),
                "kafka.tools.StorageTool", "format", "-t", clusterId(),
                "-c", config().resolve("server.properties").toString(), "--ignore-formatted");
        Files.createDirectories(logFile().getParent());
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new StartupException(name, "formatting the storage failed; end of " + logFile() + ":"
                        + System.lineSeparator() + logTail(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(name, "interrupted while formatting", e);
        }
    }

    /** Same shape as Kafka's Uuid.randomUuid(): 16 random bytes, URL-safe base64, never starting with '-'. */
    private static String clusterId() {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    private String classpath() {
        return paths.dist().resolve("kafka").resolve("lib") + "/*";
    }

    @Override
    protected List<String> command() {
        return javaCommand(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC"),
                "-Dlog4j2.configurationFile=" + config().resolve("log4j2.xml"),
                "-cp", classpath(), "kafka.Kafka", config().resolve("server.properties").toString());
    }
}
