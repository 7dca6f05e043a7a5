package dev.aegis.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keycloak's token endpoint and admin REST API as the tests and the load simulation use them:
 * sign in, create a realm user the way a person signs up (enabled, verified, permanent password,
 * role {@code user}), delete it again.
 */
public final class KeycloakAdmin {

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final String baseUrl;
    private final String realm;
    private final String adminUser;
    private final String adminPassword;

    /** {@code baseUrl} without a path ({@code http://127.0.0.1:8180}); the administrator is a master-realm user. */
    public KeycloakAdmin(String baseUrl, String realm, String adminUser, String adminPassword) {
        this.baseUrl = baseUrl;
        this.realm = realm;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /** An access token of the administrator (master realm, admin-cli). */
    public String adminToken() {
        return token(baseUrl + "/realms/master", Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", adminUser, "password", adminPassword));
    }

    /**
     * Creates an enabled, verified user of the realm with a permanent password, e-mail
     * {@code username@emailDomain}, and the realm role {@code user} where the realm has it;
     * returns its id (the tokens' {@code sub}).
     */
    public String createUser(String username, String password, String emailDomain, String lastName) {
        String admin = "Bearer " + adminToken();
        String users = baseUrl + "/admin/realms/" + realm + "/users";
        String body = "{\"username\":" + json(username) + ",\"enabled\":true,\"emailVerified\":true,"
                + "\"email\":" + json(username + "@" + emailDomain) + ",\"firstName\":" + json(username)
                + ",\"lastName\":" + json(lastName) + ",\"credentials\":[{\"type\":\"password\",\"value\":"
                + json(password) + ",\"temporary\":false}]}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(users))
                .header("Authorization", admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating user " + username + " answered " + created.statusCode()
                    + ": " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        HttpResponse<String> role = send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + realm
                + "/roles/user")).header("Authorization", admin).GET().build());
        if (role.statusCode() == 200) {
            HttpResponse<String> mapped = send(HttpRequest.newBuilder(URI.create(users + "/" + id
                    + "/role-mappings/realm")).header("Authorization", admin)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[" + role.body() + "]")).build());
            if (mapped.statusCode() / 100 != 2) {
                throw new IllegalStateException("granting role user to " + username + " answered "
                        + mapped.statusCode());
            }
        }
        return id;
    }

    /** Deletes a user of the realm by id; one that is already gone is fine. */
    public void deleteUser(String id) {
        HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + realm
                + "/users/" + id)).header("Authorization", "Bearer " + adminToken()).DELETE().build());
        if (deleted.statusCode() / 100 != 2 && deleted.statusCode() != 404) {
            throw new IllegalStateException("deleting user " + id + " answered " + deleted.statusCode());
        }
    }

    /** An access token from the realm's token endpoint ({@code realmUrl} = base URL + /realms/NAME). */
    static String token(String realmUrl, Map<String, String> form) {
        String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(realmUrl
                        + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        Matcher m = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("token request to " + realmUrl + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return m.group(1);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
