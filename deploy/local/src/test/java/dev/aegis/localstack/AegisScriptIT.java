package dev.aegis.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ./aegis script itself (needs the packaged launcher, hence an IT). Random ports only. */
class AegisScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("aegis.root", "../..")).toAbsolutePath().normalize();

    // never the developer's .aegis/: its pid files would make up/status look at a running stack
    @TempDir
    static Path state;

    record Result(int code, String out, String err) {
    }

    private static Result aegis(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("aegis").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("aegis-out", ".txt");
        Path err = Files.createTempFile("aegis-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("AEGIS_SKIP_BUILD", "1");
        builder.environment().put("AEGIS_STATE", state.toString());
        builder.environment().putAll(env);
        Process p = builder.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Map<String, String> freePorts() {
        Map<String, String> env = new java.util.HashMap<>();
        for (String variable : List.of("AEGIS_KAFKA_PORT", "AEGIS_KAFKA_CONTROLLER_PORT", "AEGIS_KEYCLOAK_PORT",
                "AEGIS_KEYCLOAK_MANAGEMENT_PORT", "AEGIS_S3_PORT", "AEGIS_MONGO_PORT", "AEGIS_GATEWAY_PORT",
                "AEGIS_INFERENCE_PORT", "AEGIS_ADVERSARIAL_PORT", "AEGIS_HISTORY_PORT")) {
            env.put(variable, String.valueOf(Ports.freePort()));
        }
        return env;
    }

    @Test
    void unknownCommandPrintsUsageAndFails() throws Exception {
        Result r = aegis(Map.of(), "frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown command 'frobnicate'").contains("Usage: ./aegis")
                .contains("up").contains("down").contains("status").contains("logs");
    }

    @Test
    void noCommandPrintsUsageAndFails() throws Exception {
        Result r = aegis(Map.of());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: ./aegis");
    }

    @Test
    void statusOfAStoppedStackListsComponentsAndExitsNonZero() throws Exception {
        Map<String, String> env = freePorts();
        Result r = aegis(env, "status");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("kafka").contains("keycloak").contains("mongo").contains("s3")
                .contains("gateway").contains("127.0.0.1:" + env.get("AEGIS_KAFKA_PORT"));
    }

    @Test
    void upWithATakenPortNamesTheComponentAndPortWithoutHanging() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = freePorts();
            env.put("AEGIS_MONGO_PORT", String.valueOf(taken.getLocalPort()));
            Result r = aegis(env, "up");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("mongo").contains("port " + taken.getLocalPort())
                    .contains("AEGIS_MONGO_PORT").contains("already in use");
        }
    }

    @Test
    void logsAreReadFromTheStateFolderNamedByAegisState() throws Exception {
        Path other = Files.createDirectories(state.resolve("second-stack"));
        Result r = aegis(Map.of("AEGIS_STATE", other.toString()), "logs");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no logs yet (" + other.resolve("logs") + ")");

        Files.createDirectories(other.resolve("logs"));
        Files.writeString(other.resolve("logs/kafka.log"), "a line only this stack logged\n");
        r = aegis(Map.of("AEGIS_STATE", other.toString()), "logs", "kafka");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("a line only this stack logged");
    }

    @Test
    void logsOfAnUnknownComponentIsRefused() throws IOException, Exception {
        Result r = aegis(Map.of(), "logs", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown component 'nope'");
    }
}
