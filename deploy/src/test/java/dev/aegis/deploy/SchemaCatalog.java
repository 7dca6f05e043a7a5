package dev.aegis.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON schemas of every kind the manifests use, from the vendored files under
 * {@code src/test/resources/schemas} (no network at test time; sources in SOURCES.md).
 *
 * <p>Kubernetes' own kinds come from the "strict" definitions (every object closed). The CRD
 * schemas are closed here, at load time: an object schema that lists its properties and neither
 * allows extra ones nor preserves unknown fields gets {@code additionalProperties: false}. That is
 * what the API server does with {@code kubectl apply --validate=strict} (unknown fields are
 * errors, not silently pruned), so a typo in a field name fails the build instead of being dropped
 * by the cluster.
 */
final class SchemaCatalog {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    static final List<String> CRDS = List.of(
            "keda.sh_v1alpha1_ScaledObject",
            "kafka.strimzi.io_v1_Kafka",
            "kafka.strimzi.io_v1_KafkaTopic",
            "kafka.strimzi.io_v1_KafkaNodePool",
            "k8s.keycloak.org_v2alpha1_Keycloak",
            "k8s.keycloak.org_v2alpha1_KeycloakRealmImport",
            "minio.min.io_v2_Tenant",
            "mongodbcommunity.mongodb.com_v1_MongoDBCommunity");

    private static SchemaCatalog instance;

    private final Map<String, Schema> byApiVersionKind = new HashMap<>();

    static synchronized SchemaCatalog get() {
        if (instance == null) {
            instance = new SchemaCatalog();
        }
        return instance;
    }

    private SchemaCatalog() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
        JsonNode k8s = read("schemas/kubernetes-1.32-strict.json");
        ObjectNode definitions = (ObjectNode) k8s.get("definitions");
        for (var kind : k8s.get("kinds").properties()) {
            ObjectNode root = JSON.createObjectNode();
            root.put("$ref", kind.getValue().asString());
            root.set("definitions", definitions);
            byApiVersionKind.put(kind.getKey(), registry.getSchema(root));
        }
        for (String crd : CRDS) {
            String[] parts = crd.split("_");
            String apiVersion = parts[0] + "/" + parts[1];
            String kind = parts[2];
            ObjectNode schema = (ObjectNode) read("schemas/crds/" + crd + ".json").deepCopy();
            close(schema);
            ObjectNode props = schema.withObjectProperty("properties");
            props.set("apiVersion", JSON.createObjectNode().put("type", "string")
                    .set("enum", JSON.createArrayNode().add(apiVersion)));
            props.set("kind", JSON.createObjectNode().put("type", "string")
                    .set("enum", JSON.createArrayNode().add(kind)));
            props.set("metadata", JSON.createObjectNode().put("$ref", "#/definitions/" + OBJECT_META));
            ArrayNode required = schema.withArrayProperty("required");
            required.add("apiVersion").add("kind").add("metadata");
            schema.put("additionalProperties", false);
            schema.set("definitions", definitions);
            byApiVersionKind.put(apiVersion + "/" + kind, registry.getSchema(schema));
        }
    }

    /** Closes every object schema that lists its properties (see the class comment). */
    static void close(ObjectNode schema) {
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (schema.has("properties") && !schema.has("additionalProperties") && !preserve) {
            schema.put("additionalProperties", false);
        }
        // allOf / anyOf / oneOf branches only restate constraints; closing them would reject
        // the properties declared next to them, so they stay as they are
        for (JsonNode child : schema.path("properties")) {
            if (child.isObject()) {
                close((ObjectNode) child);
            }
        }
        if (schema.get("items") instanceof ObjectNode items) {
            close(items);
        }
        if (schema.get("additionalProperties") instanceof ObjectNode values) {
            close(values);
        }
    }

    /** Human-readable errors; empty when the object is valid. An unknown kind is an error too. */
    List<String> validate(JsonNode object) {
        String key = object.path("apiVersion").asString("") + "/" + Manifests.kind(object);
        Schema schema = byApiVersionKind.get(key);
        List<String> errors = new ArrayList<>();
        if (schema == null) {
            errors.add("no vendored schema for " + key + " (add it to src/test/schema-tools/vendor_schemas.py)");
            return errors;
        }
        for (Error e : schema.validate(object)) {
            errors.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return errors;
    }

    boolean knows(String apiVersionKind) {
        return byApiVersionKind.containsKey(apiVersionKind);
    }

    private static JsonNode read(String resource) {
        try (InputStream in = SchemaCatalog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing vendored schema " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
