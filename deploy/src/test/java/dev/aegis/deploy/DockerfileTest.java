package dev.aegis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * No container engine runs here, so the images are not built in the tests; what can be checked
 * without one is that each Dockerfile matches the manifests: a non-root numeric user equal to
 * the pods' runAsUser, the port the Deployment declares, the layered Boot launcher, and a GPU
 * target for the services whose workers run on GPUs.
 */
class DockerfileTest {

    private static final Path DOCKER = Manifests.MODULE.resolve("docker");
    /** image name in the manifests -> Dockerfile folder, container port, has a gpu target. */
    private static final Map<String, Object[]> SERVICES = Map.of(
            "gateway", new Object[] {8080, false},
            "inference-service", new Object[] {8081, true},
            "adversarial-service", new Object[] {8082, true},
            "history-service", new Object[] {8083, false});

    @Test
    void everyServiceImageRunsAsTheNonRootUserOfThePods() throws IOException {
        List<JsonNode> base = Manifests.overlay("base");
        for (var s : SERVICES.entrySet()) {
            String dockerfile = Files.readString(DOCKER.resolve(s.getKey()).resolve("Dockerfile"));
            List<String> stages = stages(dockerfile);
            List<String> runtimes = stages.stream().filter(st -> st.contains("ENTRYPOINT")).toList();
            assertThat(runtimes).as(s.getKey()).isNotEmpty();
            for (String stage : runtimes) {
                assertThat(stage).contains("USER 10001:10001")
                        .contains("ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]")
                        .contains("EXPOSE " + s.getValue()[0])
                        .contains("-XX:MaxRAMPercentage=")
                        .doesNotContain("USER root");
            }
            // the default JAR_FILE is the runnable jar: `-exec` when the module classifies its Boot jar so
            String pom = Files.readString(Manifests.MODULE.resolve("../" + s.getKey() + "/pom.xml"));
            String jar = s.getKey() + "/target/" + s.getKey() + "-0.1.0-SNAPSHOT"
                    + (pom.contains("<classifier>exec</classifier>") ? "-exec" : "") + ".jar";
            assertThat(dockerfile).contains("ARG JAR_FILE=" + jar);
            boolean gpu = (boolean) s.getValue()[1];
            assertThat(dockerfile.contains(" AS gpu")).as("%s gpu target", s.getKey()).isEqualTo(gpu);
            // the last stage is what a plain `docker build` produces: never the GPU one
            assertThat(stages.get(stages.size() - 1)).doesNotContain("CUDA_IMAGE");

            List<JsonNode> deployments = Manifests.ofKind(base, "Deployment")
                    .filter(d -> Manifests.podSpec(d).at("/containers/0/image").asString().contains("/aegis/" + s.getKey() + ":"))
                    .toList();
            assertThat(deployments).as("Deployments running %s", s.getKey()).isNotEmpty();
            for (JsonNode d : deployments) {
                assertThat(Manifests.podSpec(d).at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
                assertThat(Manifests.podSpec(d).at("/containers/0/ports/0/containerPort").asInt()).isEqualTo(s.getValue()[0]);
            }
        }
    }

    private static List<String> stages(String dockerfile) {
        List<String> stages = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^FROM ").matcher(dockerfile);
        List<Integer> starts = new ArrayList<>();
        while (m.find()) {
            starts.add(m.start());
        }
        for (int i = 0; i < starts.size(); i++) {
            stages.add(dockerfile.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : dockerfile.length()));
        }
        return stages;
    }
}
