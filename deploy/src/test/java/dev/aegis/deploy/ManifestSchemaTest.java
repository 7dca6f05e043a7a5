package dev.aegis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Every overlay renders with kustomize, and every rendered object matches its schema. */
class ManifestSchemaTest {

    private final SchemaCatalog schemas = SchemaCatalog.get();

    @ParameterizedTest
    @ValueSource(strings = {"dev", "gpu"})
    void overlayRendersAndEveryObjectMatchesItsSchema(String overlay) {
        List<JsonNode> objects = Manifests.overlay(overlay);

        assertThat(objects).hasSizeGreaterThan(50);
        assertThat(violations(objects)).as("schema violations in overlay %s", overlay).isEmpty();
    }

    @Test
    void baseRendersAndMatchesItsSchemas() {
        assertThat(violations(Manifests.render(Manifests.K8S.resolve("base")))).isEmpty();
    }

    @Test
    void theSecretScriptWritesEveryFileTheSecretKustomizationReads(@TempDir Path tmp) throws Exception {
        // the real files are never in git: run the documented script on a copy
        Path dir = tmp.resolve("secrets");
        Files.createDirectories(dir);
        for (String f : List.of("kustomization.yaml", "generate-files.sh")) {
            Files.copy(Manifests.K8S.resolve("secrets").resolve(f), dir.resolve(f));
        }
        Process script = new ProcessBuilder("sh", dir.resolve("generate-files.sh").toString(), "https://aegis.example.com")
                .redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes());
        assertThat(script.waitFor()).as(output).isZero();

        List<JsonNode> secrets = Manifests.render(dir);

        assertThat(secrets).extracting(Manifests::kind).containsOnly("Secret");
        assertThat(secrets).extracting(Manifests::name).containsExactlyInAnyOrderElementsOf(SecretNames.GENERATED);
        assertThat(violations(secrets)).isEmpty();
        // random values, not a shared default
        JsonNode mongo = secrets.stream().filter(s -> Manifests.name(s).equals("aegis-mongodb-password")).findFirst().orElseThrow();
        assertThat(java.util.Base64.getDecoder().decode(mongo.at("/data/password").asString())).hasSizeGreaterThanOrEqualTo(32);
        assertThat(Files.getPosixFilePermissions(dir.resolve("files/mongodb-password")))
                .containsOnly(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void everyKindInTheManifestsHasAVendoredSchema() {
        List<String> kinds = Stream.concat(Manifests.overlay("dev").stream(), Manifests.overlay("gpu").stream())
                .map(o -> o.path("apiVersion").asString() + "/" + Manifests.kind(o))
                .distinct()
                .toList();

        assertThat(kinds).allMatch(schemas::knows, "has a vendored schema");
        assertThat(kinds).contains("keda.sh/v1alpha1/ScaledObject", "kafka.strimzi.io/v1/Kafka",
                "kafka.strimzi.io/v1/KafkaTopic", "kafka.strimzi.io/v1/KafkaNodePool",
                "k8s.keycloak.org/v2alpha1/Keycloak", "k8s.keycloak.org/v2alpha1/KeycloakRealmImport",
                "minio.min.io/v2/Tenant");
    }

    private List<String> violations(List<JsonNode> objects) {
        List<String> all = new ArrayList<>();
        for (JsonNode o : objects) {
            for (String e : schemas.validate(o)) {
                all.add(Manifests.id(o) + " " + e);
            }
        }
        return all;
    }
}
