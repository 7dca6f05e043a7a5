package dev.aegis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The KeycloakRealmImport is a copy of the auth module's Kubernetes realm
 * ({@code auth/src/main/resources/realm/aegis-realm-k8s.json}, which holds no password) wrapped
 * in the custom resource. Kustomize cannot embed a JSON file as an object, so the copy is
 * committed and this test keeps it in step: run
 * {@code ./mvnw -pl deploy test -Dtest=RealmImportTest -Daegis.regenerate=true} after a realm change.
 */
class RealmImportTest {

    static final Path REALM = Manifests.MODULE.resolve("../auth/src/main/resources/realm/aegis-realm-k8s.json").normalize();
    static final Path IMPORT = Manifests.K8S.resolve("base/infra/keycloak/keycloak-realm-import.yaml");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    /** Placeholder -> key of the Secret aegis-oidc-clients. */
    static final java.util.Map<String, String> PLACEHOLDER_KEYS = java.util.Map.of(
            "AEGIS_GATEWAY_CLIENT_SECRET", "gateway-client-secret",
            "AEGIS_BATCH_CLIENT_SECRET", "batch-client-secret",
            "AEGIS_PUBLIC_URL", "public-url");

    @Test
    void realmImportIsTheAuthModulesKubernetesRealm() throws IOException {
        JsonNode realm = JsonMapper.builder().build().readTree(Files.readString(REALM));
        String expected = render(realm);
        if (Boolean.getBoolean("aegis.regenerate")) {
            Files.writeString(IMPORT, expected);
        }
        JsonNode cr = Manifests.parse(IMPORT).get(0);

        assertThat(cr.path("spec").path("realm")).as("realm in %s (regenerate: -Daegis.regenerate=true)", IMPORT)
                .isEqualTo(realm);
        assertThat(cr.path("spec").path("placeholders")).isEqualTo(Manifests.parse(expected).get(0).path("spec").path("placeholders"));
    }

    @Test
    void realmImportHoldsNoCredentialOnlyPlaceholders() {
        JsonNode realm = Manifests.parse(IMPORT).get(0).path("spec").path("realm");

        for (JsonNode user : realm.path("users")) {
            assertThat(user.has("credentials")).as("user %s has credentials", user.path("username")).isFalse();
        }
        for (JsonNode client : realm.path("clients")) {
            if (client.has("secret")) {
                assertThat(client.path("secret").asString()).as("secret of client %s", client.path("clientId"))
                        .matches("\\$\\{[A-Z0-9_]+}");
            }
        }
        assertThat(placeholders(realm)).isSubsetOf(PLACEHOLDER_KEYS.keySet());
    }

    static String render(JsonNode realm) {
        ObjectNode cr = JsonMapper.builder().build().createObjectNode();
        cr.put("apiVersion", "k8s.keycloak.org/v2alpha1");
        cr.put("kind", "KeycloakRealmImport");
        cr.putObject("metadata").put("name", "aegis-realm");
        ObjectNode spec = cr.putObject("spec");
        spec.put("keycloakCRName", "aegis-keycloak");
        ObjectNode ph = spec.putObject("placeholders");
        for (String p : placeholders(realm)) {
            ObjectNode secret = ph.putObject(p).putObject("secret");
            secret.put("name", "aegis-oidc-clients");
            secret.put("key", PLACEHOLDER_KEYS.getOrDefault(p, p.toLowerCase().replace('_', '-')));
        }
        spec.set("realm", realm);
        return "# GENERATED from auth/src/main/resources/realm/aegis-realm-k8s.json by RealmImportTest\n"
                + "# (-Daegis.regenerate=true). Do not edit: change the realm file instead.\n"
                + "# ${...} placeholders are filled by the Keycloak operator from the Secret aegis-oidc-clients.\n"
                + Manifests.YAML.writerWithDefaultPrettyPrinter().writeValueAsString(cr).replaceFirst("^---\\n", "");
    }

    static Set<String> placeholders(JsonNode realm) {
        Set<String> found = new LinkedHashSet<>();
        List<JsonNode> todo = new ArrayList<>(List.of(realm));
        while (!todo.isEmpty()) {
            JsonNode n = todo.remove(todo.size() - 1);
            if (n.isString()) {
                Matcher m = PLACEHOLDER.matcher(n.asString());
                while (m.find()) {
                    found.add(m.group(1));
                }
            }
            n.forEach(todo::add);
        }
        return new java.util.TreeSet<>(found);
    }
}
