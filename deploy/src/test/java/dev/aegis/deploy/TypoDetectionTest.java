package dev.aegis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The validation is not a rubber stamp: a misspelt or mistyped field fails it. */
class TypoDetectionTest {

    private static List<JsonNode> dev;
    private final SchemaCatalog schemas = SchemaCatalog.get();

    @BeforeAll
    static void render() {
        dev = Manifests.overlay("dev");
    }

    /** kind, name, JSON pointer of the parent object, misspelt field. */
    @ParameterizedTest(name = "{0}/{1} {2}/{3}")
    @CsvSource({
            "Deployment, gateway, /spec/template/spec/containers/0, readinesProbe",
            "Deployment, inference-worker, /spec/template/spec, terminationGracePeriodSecond",
            "HorizontalPodAutoscaler, gateway, /spec, maxReplica",
            "NetworkPolicy, default-deny-ingress, /spec, podSelectors",
            "ScaledObject, inference-worker, /spec, maxReplicasCount",
            "ScaledObject, adversarial-worker, /spec/triggers/0, metdata",
            "Kafka, aegis, /spec/kafka, listners",
            "KafkaNodePool, broker, /spec/storage, sizes",
            "KafkaTopic, aegis.predictions.requests, /spec, partition",
            "Tenant, aegis-minio, /spec/pools/0, server",
            "Keycloak, aegis-keycloak, /spec/db, passwordSecrets",
            "KeycloakRealmImport, aegis-realm, /spec/realm, registrationAlowed",
            "MongoDBCommunity, aegis-mongodb, /spec, member",
            "ScaledObject, inference-worker, /metadata, lables",
    })
    void aMisspeltFieldFailsValidation(String kind, String name, String parent, String typo) {
        ObjectNode object = Manifests.deepCopy(Manifests.one(dev, kind, name));
        assertThat(schemas.validate(object)).as("unchanged %s/%s", kind, name).isEmpty();

        ((ObjectNode) object.at(parent)).put(typo, 1);

        assertThat(schemas.validate(object)).as("errors for %s/%s with %s", kind, name, typo)
                .anySatisfy(e -> assertThat(e).contains(typo));
    }

    @Test
    void aWrongTypeFailsValidation() {
        assertInvalid("KafkaTopic", "aegis.attacks.requests", o -> ((ObjectNode) o.at("/spec")).put("partitions", "six"));
        assertInvalid("ScaledObject", "adversarial-worker", o -> ((ObjectNode) o.at("/spec")).put("minReplicaCount", "zero"));
        assertInvalid("Deployment", "history", o -> ((ObjectNode) o.at("/spec")).put("replicas", true));
        assertInvalid("Tenant", "aegis-minio", o -> ((ObjectNode) o.at("/spec")).remove("pools"));
    }

    @Test
    void aTypoInAPatchFailsTheRenderedOverlay() throws IOException {
        // the way a typo really arrives: an overlay patch with a misspelt field. Kustomize takes
        // only relative paths to other kustomizations, so the overlay lives under target/.
        Path tmp = Files.createDirectories(Manifests.MODULE.resolve("target/typo-overlay"));
        Files.writeString(tmp.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                patches:
                  - patch: |-
                      apiVersion: keda.sh/v1alpha1
                      kind: ScaledObject
                      metadata:
                        name: adversarial-worker
                      spec:
                        minReplicaCont: 1
                """.formatted(tmp.relativize(Manifests.K8S.resolve("overlays/dev"))));

        List<JsonNode> rendered = Manifests.render(tmp);
        JsonNode scaledObject = Manifests.one(rendered, "ScaledObject", "adversarial-worker");

        assertThat(schemas.validate(scaledObject)).anySatisfy(e -> assertThat(e).contains("minReplicaCont"));
    }

    @Test
    void anUnknownKindFailsValidation() {
        ObjectNode object = Manifests.deepCopy(Manifests.one(dev, "ScaledObject", "inference-worker"));
        object.put("apiVersion", "keda.sh/v1beta1");

        assertThat(schemas.validate(object)).singleElement().asString().contains("no vendored schema");
    }

    private void assertInvalid(String kind, String name, Consumer<ObjectNode> change) {
        ObjectNode object = Manifests.deepCopy(Manifests.one(dev, kind, name));
        change.accept(object);
        assertThat(schemas.validate(object)).as("%s/%s after change", kind, name).isNotEmpty();
    }
}
