package dev.aegis.testsupport;

import dev.aegis.localstack.KeycloakServer;

import java.util.Map;

/** Keycloak with realm {@code aegis} (users demo / admin, public client aegis-cli) of this test JVM. */
public final class KeycloakHandle extends ServerHandle {

    public static final String CLI_CLIENT = "aegis-cli";

    private final String baseUrl;
    private final KeycloakAdmin admin;

    KeycloakHandle(Lifecycle lifecycle, String baseUrl) {
        super(Server.KEYCLOAK, lifecycle);
        this.baseUrl = baseUrl;
        this.admin = new KeycloakAdmin(baseUrl, KeycloakServer.REALM, KeycloakServer.ADMIN_USER,
                KeycloakServer.ADMIN_PASSWORD);
    }

    /** {@code http://127.0.0.1:PORT/realms/aegis}, the {@code iss} of every token. */
    public String issuerUri() {
        return baseUrl + "/realms/" + KeycloakServer.REALM;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** An access token for a realm user (password grant on the public client aegis-cli). */
    public String userToken(String username, String password) {
        return KeycloakAdmin.token(issuerUri(), Map.of("grant_type", "password", "client_id", CLI_CLIENT,
                "username", username, "password", password, "scope", "openid"));
    }

    /** An access token of the bootstrap administrator (master realm, admin-cli). */
    public String adminToken() {
        return admin.adminToken();
    }

    /** Creates an enabled realm user with role {@code user}; returns its id (the tokens' {@code sub}). */
    public String createUser(String username, String password) {
        return admin.createUser(username, password, "test.aegis.local", "Test");
    }
}
