package dev.aegis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

import dev.aegis.testsupport.KeycloakHandle;
import dev.aegis.testsupport.LoopbackCookieJar;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;

/**
 * The realm file imported into the REAL Keycloak: self-registration without an email, the password
 * policy enforced by the server, brute-force lockout, the three clients and the audience.
 */
@RealServers(Server.KEYCLOAK)
class RealmIT {

    private static final String REDIRECT = "http://127.0.0.1:8080/login/oauth2/code/keycloak";

    private final KeycloakHandle keycloak = RealServersExtension.keycloak();

    @Test
    void selfRegistrationEnforcesThePasswordPolicyAndNeedsNoEmail() throws Exception {
        LoopbackCookieJar cookies = new LoopbackCookieJar();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        // PKCE is mandatory for aegis-gateway: a request without a challenge is refused by Keycloak
        String registration = keycloak.issuerUri() + "/protocol/openid-connect/registrations?client_id=aegis-gateway"
                + "&response_type=code&scope=openid&redirect_uri=" + enc(REDIRECT)
                + "&code_challenge=" + "x".repeat(43) + "&code_challenge_method=S256&state=s1";
        HttpResponse<String> page = browser.send(get(registration), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        Document form = Jsoup.parse(page.body(), registration);
        String action = form.selectFirst("form#kc-register-form").absUrl("action");
        String username = "reg-" + UUID.randomUUID().toString().substring(0, 8);

        // too short, no digit, no upper case, no special character: each rule answers
        HttpResponse<String> weak = browser.send(post(action, Map.of("username", username, "password", "short",
                "password-confirm", "short")), HttpResponse.BodyHandlers.ofString());
        assertThat(weak.statusCode()).isEqualTo(200);
        assertThat(Jsoup.parse(weak.body()).select("[id^=input-error]").text()).contains("Invalid password");

        Document again = Jsoup.parse(weak.body(), action);
        action = again.selectFirst("form#kc-register-form").absUrl("action");
        String strong = "Str0ng-" + UUID.randomUUID().toString().substring(0, 6) + "!";
        HttpResponse<String> done = browser.send(post(action, Map.of("username", username, "password", strong,
                "password-confirm", strong)), HttpResponse.BodyHandlers.ofString());
        // registered (no email asked for) and sent back to the client with an authorization code
        assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
        String location = done.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT).contains("code=").contains("state=s1");

        // the new account holds the default role user (and not admin), and its token the API audience
        String token = keycloak.userToken(username, strong);
        Map<String, Object> claims = Jwts.claims(token);
        assertThat(claims.get("aud").toString()).contains("aegis-api");
        assertThat(claims.get("realm_access").toString()).contains("user").doesNotContain("admin");
        assertThat(claims.get("preferred_username")).isEqualTo(username);
    }

    @Test
    void repeatedWrongPasswordsLockTheAccountEvenForTheRightPassword() throws Exception {
        String username = "brute-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "R1ght-Passw0rd!";
        keycloak.createUser(username, password);
        assertThat(passwordGrant(username, password).statusCode()).isEqualTo(200);

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = passwordGrant(username, "Wr0ng-Passw0rd!" + i);
            // 401 for a wrong password; 400 once the quick-succession check has already locked it
            assertThat(wrong.statusCode()).isIn(400, 401);
            assertThat(wrong.body()).contains("invalid_grant");
        }
        HttpResponse<String> locked = passwordGrant(username, password);
        assertThat(locked.statusCode()).as(locked.body()).isIn(400, 401);
        assertThat(locked.body()).contains("invalid_grant");

        // the server's own view: the user is temporarily disabled by brute-force detection
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        keycloak.baseUrl() + "/admin/realms/aegis/attack-detection/brute-force/users/"
                                + userId(username)))
                .header("Authorization", "Bearer " + keycloak.adminToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"disabled\":true");
    }

    @Test
    void clientsIssueTokensForTheApiAudience() throws Exception {
        Map<String, Object> demo = Jwts.claims(keycloak.userToken("demo", "demo-Passw0rd!"));
        assertThat(demo.get("aud").toString()).contains("aegis-api");
        assertThat(demo.get("realm_access").toString()).contains("user").doesNotContain("admin");
        Map<String, Object> admin = Jwts.claims(keycloak.userToken("admin", "admin-Passw0rd!"));
        assertThat(admin.get("realm_access").toString()).contains("admin", "user");

        // programs: client credentials on aegis-batch (the local secret)
        HttpResponse<String> batch = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        keycloak.issuerUri() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        "aegis-batch:aegis-batch-local-secret".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        Map<String, Object> service = Jwts.claims(Jwts.field(batch.body(), "access_token"));
        assertThat(service.get("aud").toString()).contains("aegis-api");
        assertThat(service.get("azp")).isEqualTo("aegis-batch");

        // the browser client cannot be used with the password grant
        HttpResponse<String> gatewayPassword = form(keycloak.issuerUri() + "/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "aegis-gateway", "client_secret",
                        "aegis-gateway-local-secret", "username", "demo", "password", "demo-Passw0rd!"));
        assertThat(gatewayPassword.statusCode()).isIn(400, 401);
    }

    private String userId(String username) throws Exception {
        HttpResponse<String> users = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        keycloak.baseUrl() + "/admin/realms/aegis/users?exact=true&username=" + enc(username)))
                .header("Authorization", "Bearer " + keycloak.adminToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return Jwts.field(users.body(), "id");
    }

    private HttpResponse<String> passwordGrant(String username, String password) throws Exception {
        return form(keycloak.issuerUri() + "/protocol/openid-connect/token", Map.of("grant_type", "password",
                "client_id", "aegis-cli", "username", username, "password", password));
    }

    private static HttpResponse<String> form(String url, Map<String, String> fields) throws Exception {
        return HttpClient.newHttpClient().send(post(url, fields), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET().build();
    }

    private static HttpRequest post(String url, Map<String, String> fields) {
        String body = new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
