package dev.aegis.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackTest {

    @TempDir
    Path root;

    /** Every port of the stack on a free random port: never the fixed local-stack ports. */
    private static Map<String, String> freePorts() {
        Map<String, String> env = new HashMap<>();
        for (String variable : List.of("AEGIS_KAFKA_PORT", "AEGIS_KAFKA_CONTROLLER_PORT", "AEGIS_KEYCLOAK_PORT",
                "AEGIS_KEYCLOAK_MANAGEMENT_PORT", "AEGIS_S3_PORT", "AEGIS_MONGO_PORT", "AEGIS_GATEWAY_PORT",
                "AEGIS_INFERENCE_PORT", "AEGIS_ADVERSARIAL_PORT", "AEGIS_HISTORY_PORT")) {
            env.put(variable, String.valueOf(Ports.freePort()));
        }
        return env;
    }

    @Test
    void takenPortIsNamedWithItsComponentAndVariableBeforeAnythingStarts() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = freePorts();
            env.put("AEGIS_KEYCLOAK_MANAGEMENT_PORT", String.valueOf(taken.getLocalPort()));
            LocalStack stack = new LocalStack(root, env);
            List<String> out = new ArrayList<>();

            assertThatThrownBy(() -> stack.up(out::add))
                    .isInstanceOf(PortTakenException.class)
                    .hasMessageContaining("keycloak")
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("AEGIS_KEYCLOAK_MANAGEMENT_PORT");
            // nothing was installed or started
            assertThat(root.resolve(".aegis/dist")).doesNotExist();
            assertThat(stack.all()).noneMatch(ServerProcess::isRunning);
        }
    }

    @Test
    void servicesWithoutJarAreReportedNotBuiltAndSkipped() {
        LocalStack stack = new LocalStack(root, freePorts());
        List<String> out = new ArrayList<>();

        List<ServerProcess> toStart = stack.preflight(out::add);

        assertThat(out).hasSize(4).allMatch(line -> line.startsWith("WARNING") && line.contains("not built"));
        assertThat(toStart).extracting(ServerProcess::name).containsExactly("kafka", "mongo", "s3", "keycloak");
    }

    @Test
    void statusIsFalseWhenServersAreStoppedAndNamesEachComponentWithItsUrl() {
        Map<String, String> env = freePorts();
        LocalStack stack = new LocalStack(root, env);
        List<String> lines = new ArrayList<>();

        assertThat(stack.status(lines::add)).isFalse();

        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).contains("kafka").contains("stopped").contains("127.0.0.1:" + env.get("AEGIS_KAFKA_PORT"));
        assertThat(lines).anyMatch(l -> l.contains("gateway") && l.contains("not built")
                && l.contains("http://localhost:" + env.get("AEGIS_GATEWAY_PORT")));
    }

    @Test
    void stateFolderComesFromAegisStateSoASecondStackSharesNothingButTheBinaries() {
        Map<String, String> env = freePorts();
        env.put("AEGIS_STATE", "e2e/target/aegis-state");
        LocalStack stack = new LocalStack(root, env);

        Path state = root.resolve("e2e/target/aegis-state");
        assertThat(stack.paths().state()).isEqualTo(state);
        assertThat(stack.paths().dist()).isEqualTo(root.resolve(".aegis/dist"));
        assertThat(stack.logFile("kafka")).isEqualTo(state.resolve("logs/kafka.log"));
        assertThat(new LocalStack(root, freePorts()).paths().state()).isEqualTo(root.resolve(".aegis"));
    }

    @Test
    void aPortThatIsNotANumberIsRefusedWithTheVariableName() {
        Map<String, String> env = freePorts();
        env.put("AEGIS_S3_PORT", "nine-thousand");
        assertThatThrownBy(() -> new LocalStack(root, env)).hasMessageContaining("AEGIS_S3_PORT=nine-thousand");
    }
}
