package dev.aegis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The realm files say what docs/architecture.md promises, and the two variants agree. */
class RealmFileTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String LOCAL = "/realm/aegis-realm.json";
    static final String K8S = "/realm/aegis-realm-k8s.json";

    static JsonNode realm(String path) throws IOException {
        try (InputStream in = RealmFileTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return JSON.readTree(in);
        }
    }

    static JsonNode client(JsonNode realm, String clientId) {
        for (JsonNode client : realm.get("clients")) {
            if (client.get("clientId").asString().equals(clientId)) {
                return client;
            }
        }
        throw new AssertionError("no client " + clientId);
    }

    @ParameterizedTest
    @ValueSource(strings = {LOCAL, K8S})
    void realmHasRegistrationPolicyAndBruteForceProtection(String path) throws IOException {
        JsonNode realm = realm(path);
        assertThat(realm.get("realm").asString()).isEqualTo("aegis");
        assertThat(realm.get("enabled").asBoolean()).isTrue();
        assertThat(realm.get("registrationAllowed").asBoolean()).isTrue();
        assertThat(realm.get("verifyEmail").asBoolean()).isFalse();
        assertThat(realm.get("bruteForceProtected").asBoolean()).isTrue();
        assertThat(realm.get("failureFactor").asInt()).isBetween(3, 10);
        assertThat(realm.get("permanentLockout").asBoolean()).isFalse();
        String policy = realm.get("passwordPolicy").asString();
        assertThat(policy).contains("length(10)", "digits(1)", "upperCase(1)", "lowerCase(1)", "specialChars(1)",
                "notUsername");
    }

    @ParameterizedTest
    @ValueSource(strings = {LOCAL, K8S})
    void emailIsOptionalInTheUserProfile(String path) throws IOException {
        JsonNode provider = realm(path).get("components").get("org.keycloak.userprofile.UserProfileProvider").get(0);
        JsonNode profile = JSON.readTree(provider.get("config").get("kc.user.profile.config").get(0).asString());
        for (JsonNode attribute : profile.get("attributes")) {
            if (!attribute.get("name").asString().equals("username")) {
                assertThat(attribute.has("required")).as(attribute.get("name").asString() + " required").isFalse();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {LOCAL, K8S})
    void rolesUserByDefaultAndAdmin(String path) throws IOException {
        JsonNode realm = realm(path);
        List<String> roles = new ArrayList<>();
        realm.get("roles").get("realm").forEach(r -> roles.add(r.get("name").asString()));
        assertThat(roles).contains("user", "admin", "default-roles-aegis");
        assertThat(realm.get("defaultRole").get("name").asString()).isEqualTo("default-roles-aegis");
        JsonNode defaults = null;
        for (JsonNode r : realm.get("roles").get("realm")) {
            if (r.get("name").asString().equals("default-roles-aegis")) {
                defaults = r;
            }
        }
        assertThat(defaults.get("composites").get("realm").toString()).contains("\"user\"").doesNotContain("admin");
    }

    @ParameterizedTest
    @ValueSource(strings = {LOCAL, K8S})
    void clientsAndAudienceMapper(String path) throws IOException {
        JsonNode realm = realm(path);
        JsonNode gateway = client(realm, "aegis-gateway");
        assertThat(gateway.get("publicClient").asBoolean()).isFalse();
        assertThat(gateway.get("standardFlowEnabled").asBoolean()).isTrue();
        assertThat(gateway.get("directAccessGrantsEnabled").asBoolean()).isFalse();
        assertThat(gateway.get("implicitFlowEnabled").asBoolean()).isFalse();
        assertThat(gateway.get("attributes").get("pkce.code.challenge.method").asString()).isEqualTo("S256");
        assertThat(gateway.get("attributes").get("post.logout.redirect.uris").asString()).isNotBlank();

        JsonNode cli = client(realm, "aegis-cli");
        assertThat(cli.get("publicClient").asBoolean()).isTrue();
        assertThat(cli.get("directAccessGrantsEnabled").asBoolean()).isTrue();

        JsonNode batch = client(realm, "aegis-batch");
        assertThat(batch.get("publicClient").asBoolean()).isFalse();
        assertThat(batch.get("serviceAccountsEnabled").asBoolean()).isTrue();
        assertThat(batch.get("standardFlowEnabled").asBoolean()).isFalse();

        for (JsonNode client : List.of(gateway, cli, batch)) {
            JsonNode mapper = client.get("protocolMappers").get(0);
            assertThat(mapper.get("protocolMapper").asString()).isEqualTo("oidc-audience-mapper");
            assertThat(mapper.get("config").get("included.custom.audience").asString()).isEqualTo("aegis-api");
            assertThat(mapper.get("config").get("access.token.claim").asString()).isEqualTo("true");
        }
    }

    @Test
    void localRealmSeedsDemoUsersWhosePasswordsMeetThePolicy() throws IOException {
        JsonNode realm = realm(LOCAL);
        JsonNode demo = user(realm, "demo");
        JsonNode admin = user(realm, "admin");
        assertThat(demo.get("credentials").get(0).get("value").asString()).isEqualTo("demo-Passw0rd!");
        assertThat(admin.get("credentials").get(0).get("value").asString()).isEqualTo("admin-Passw0rd!");
        assertThat(demo.get("realmRoles").toString()).doesNotContain("\"admin\"");
        assertThat(admin.get("realmRoles").toString()).contains("\"admin\"");
        for (String password : List.of("demo-Passw0rd!", "admin-Passw0rd!")) {
            assertThat(password).hasSizeGreaterThanOrEqualTo(10).containsPattern("[0-9]").containsPattern("[a-z]")
                    .containsPattern("[A-Z]").containsPattern("[^A-Za-z0-9]");
        }
        assertThat(client(realm, "aegis-gateway").get("redirectUris").toString())
                .contains("http://localhost:8080/*", "http://127.0.0.1:8080/*");
    }

    @Test
    void kubernetesRealmHoldsNoPasswordNoSecretAndNoWildcardRedirect() throws IOException {
        String text;
        try (InputStream in = RealmFileTest.class.getResourceAsStream(K8S)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonNode realm = JSON.readTree(text);
        for (JsonNode user : realm.get("users")) {
            assertThat(user.has("credentials")).as(user.get("username").asString()).isFalse();
            assertThat(user.has("serviceAccountClientId")).isTrue();
        }
        assertThat(text).doesNotContain("Passw0rd").doesNotContain("local-secret");
        assertThat(client(realm, "aegis-gateway").get("secret").asString()).isEqualTo("${AEGIS_GATEWAY_CLIENT_SECRET}");
        assertThat(client(realm, "aegis-batch").get("secret").asString()).isEqualTo("${AEGIS_BATCH_CLIENT_SECRET}");
        for (JsonNode uri : client(realm, "aegis-gateway").get("redirectUris")) {
            assertThat(uri.asString()).startsWith("${AEGIS_PUBLIC_URL}/");
        }
        // every placeholder is one of the documented environment variables
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(text);
        while (m.find()) {
            assertThat(m.group(1)).isIn("AEGIS_GATEWAY_CLIENT_SECRET", "AEGIS_BATCH_CLIENT_SECRET", "AEGIS_PUBLIC_URL");
        }
    }

    @Test
    void variantsDifferOnlyInUsersSecretsAndUrls() throws IOException {
        JsonNode local = realm(LOCAL);
        JsonNode k8s = realm(K8S);
        for (String field : List.of("passwordPolicy", "roles", "defaultRole", "components", "failureFactor",
                "registrationAllowed", "bruteForceProtected", "accessTokenLifespan")) {
            assertThat(k8s.get(field)).as(field).isEqualTo(local.get(field));
        }
        for (String clientId : List.of("aegis-gateway", "aegis-cli", "aegis-batch")) {
            assertThat(client(k8s, clientId).get("protocolMappers"))
                    .isEqualTo(client(local, clientId).get("protocolMappers"));
        }
    }

    private static JsonNode user(JsonNode realm, String username) {
        for (JsonNode user : realm.get("users")) {
            if (user.get("username").asString().equals(username)) {
                return user;
            }
        }
        throw new AssertionError("no user " + username);
    }
}
