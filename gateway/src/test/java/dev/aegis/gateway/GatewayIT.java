package dev.aegis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.aegis.testsupport.KeycloakHandle;
import dev.aegis.testsupport.LoopbackCookieJar;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway against the REAL Keycloak (realm file of the auth module): a user registers through
 * Keycloak's pages, logs in through the gateway, calls an API (stub downstream services record what
 * they got), logs out everywhere; bearer tokens of every wrong kind are refused.
 */
@RealServers(Server.KEYCLOAK)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayIT {

    static final int RATE = 15;
    static final StubService INFERENCE = new StubService("inference");
    static final StubService ADVERSARIAL = new StubService("adversarial");
    static final StubService HISTORY = new StubService("history");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("aegis.gateway.inference-url", INFERENCE::url);
        registry.add("aegis.gateway.adversarial-url", ADVERSARIAL::url);
        registry.add("aegis.gateway.history-url", HISTORY::url);
        // no tolerance, so a token that has just expired is refused at once
        registry.add("aegis.gateway.oidc.clock-skew", () -> "0s");
        registry.add("aegis.gateway.limits.requests-per-period", () -> Integer.toString(RATE));
        registry.add("aegis.gateway.limits.max-body", () -> "64KB");
    }

    @AfterAll
    static void stop() {
        INFERENCE.close();
        ADVERSARIAL.close();
        HISTORY.close();
    }

    @LocalServerPort
    int port;

    final KeycloakHandle keycloak = RealServersExtension.keycloak();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    String gw(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void registerLogInCallTheApiAndLogOutEverywhere() throws Exception {
        LoopbackCookieJar cookies = new LoopbackCookieJar();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(10)).build();

        // 1. the portal's "log in" link: the gateway sends the browser to Keycloak's login page
        HttpResponse<String> login = browser.send(get(gw("/oauth2/authorization/keycloak")), text());
        assertThat(login.uri().toString()).startsWith(keycloak.issuerUri() + "/protocol/openid-connect/auth");
        Document loginPage = Jsoup.parse(login.body(), login.uri().toString());
        assertThat(loginPage.selectFirst("form#kc-form-login")).isNotNull();

        // 2. "Register": a new account, no email asked for
        String registrationUrl = loginPage.selectFirst("a[href*=login-actions/registration]").absUrl("href");
        HttpResponse<String> registration = browser.send(get(registrationUrl), text());
        Document form = Jsoup.parse(registration.body(), registration.uri().toString());
        String username = "it-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "Gatew4y-" + UUID.randomUUID().toString().substring(0, 6) + "!";
        HttpResponse<String> registered = browser.send(post(form.selectFirst("form#kc-register-form").absUrl("action"),
                Map.of("username", username, "password", password, "password-confirm", password)), text());

        // 3. back at the portal, logged in with only a session cookie
        assertThat(registered.uri().toString()).startsWith(gw("/"));
        assertThat(cookies.has("AEGIS_SESSION")).isTrue();
        HttpResponse<String> me = browser.send(get(gw("/api/me")), text());
        assertThat(me.statusCode()).isEqualTo(200);
        JsonNode meJson = JSON.readTree(me.body());
        assertThat(meJson.get("username").asString()).isEqualTo(username);
        assertThat(meJson.get("via").asString()).isEqualTo("session");
        assertThat(meJson.get("roles").toString()).isEqualTo("[\"user\"]");
        // the browser never holds a token: not in a body, not in a cookie of the gateway
        assertThat(me.body()).doesNotContain("eyJ");
        assertThat(cookies.value("AEGIS_SESSION")).doesNotContain("eyJ");

        // 4. an API call: the service gets the user's access token (token relay), never the cookies
        HttpResponse<String> history = browser.send(get(gw("/api/history/h-1")), text());
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(HISTORY.last().path()).isEqualTo("/api/history/h-1");
        assertThat(HISTORY.last().cookie()).isNull();
        String relayed = HISTORY.last().authorization();
        assertThat(relayed).startsWith("Bearer ");
        Map<String, Object> claims = claims(relayed.substring(7));
        assertThat(claims.get("preferred_username")).isEqualTo(username);
        assertThat(claims.get("aud").toString()).contains("aegis-api");

        // 5. a state-changing call needs the CSRF token the SPA reads from its cookie
        HttpResponse<String> noCsrf = browser.send(HttpRequest.newBuilder(URI.create(gw("/api/predictions")))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(), text());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        String xsrf = cookies.value("XSRF-TOKEN");
        assertThat(xsrf).isNotBlank();
        int before = INFERENCE.seen().size();
        HttpResponse<String> withCsrf = browser.send(HttpRequest.newBuilder(URI.create(gw("/api/predictions")))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")
                .header("X-XSRF-TOKEN", xsrf).build(), text());
        assertThat(withCsrf.statusCode()).isEqualTo(200);
        assertThat(INFERENCE.seen()).hasSize(before + 1);
        assertThat(INFERENCE.last().authorization()).startsWith("Bearer ");

        // 6. log out: the gateway session ends and so does the Keycloak session (RP-initiated logout)
        String userId = claims.get("sub").toString();
        assertThat(sessionsOf(userId)).isNotEqualTo("[]");
        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(URI.create(gw("/logout")))
                .POST(HttpRequest.BodyPublishers.noBody()).header("X-XSRF-TOKEN", xsrf).build(), text());
        assertThat(logout.uri().toString()).startsWith(gw("/"));
        assertThat(browser.send(get(gw("/api/me")), text()).statusCode()).isEqualTo(401);
        assertThat(sessionsOf(userId)).isEqualTo("[]");
        // logging in again shows Keycloak's form: no single sign-on session survived
        HttpResponse<String> again = browser.send(get(gw("/oauth2/authorization/keycloak")), text());
        assertThat(Jsoup.parse(again.body()).selectFirst("form#kc-form-login")).isNotNull();
    }

    @Test
    void bearerTokenOfTheRealmWorksAndIsPassedOn() throws Exception {
        String token = keycloak.userToken("demo", "demo-Passw0rd!");
        HttpResponse<String> me = http.send(bearer(get(gw("/api/me")), token), text());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).get("via").asString()).isEqualTo("bearer");
        HttpResponse<String> attack = http.send(bearer(get(gw("/api/attacks/a-1")), token), text());
        assertThat(attack.statusCode()).isEqualTo(200);
        assertThat(ADVERSARIAL.last().authorization()).isEqualTo("Bearer " + token);
    }

    @Test
    void wrongTokensAreEach401() throws Exception {
        String good = keycloak.userToken("demo", "demo-Passw0rd!");
        String[] parts = good.split("\\.");

        // another realm: Keycloak's own master realm
        assertUnauthorized(keycloak.adminToken());

        // the right realm but no aegis-api audience: Keycloak's built-in admin-cli client
        String noAudience = tokenFrom(keycloak.issuerUri(), Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", "demo", "password", "demo-Passw0rd!"));
        assertThat(claims(noAudience).get("aud")).isNull();
        assertUnauthorized(noAudience);

        // alg: none, unsigned
        String noneHeader = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        assertUnauthorized(noneHeader + "." + parts[1] + ".");

        // tampered payload, original signature
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"demo\"", "\"admin\"");
        assertUnauthorized(parts[0] + "." + b64(payload) + "." + parts[2]);

        // expired: a client whose tokens live one second
        String expired = shortLivedToken();
        long exp = ((Number) claims(expired).get("exp")).longValue();
        while (System.currentTimeMillis() / 1000 <= exp) {
            Thread.sleep(250);
        }
        assertUnauthorized(expired);

        // not a token at all
        assertUnauthorized("garbage");
        // and the untouched token still works, so the refusals above are about the token
        assertThat(http.send(bearer(get(gw("/api/me")), good), text()).statusCode()).isEqualTo(200);
    }

    @Test
    void userOnAnAdminRouteIs403AdminPasses() throws Exception {
        HttpResponse<String> asUser = http.send(bearer(post(gw("/api/models/m-1/activate"), Map.of()),
                keycloak.userToken("demo", "demo-Passw0rd!")), text());
        assertThat(asUser.statusCode()).isEqualTo(403);
        assertThat(asUser.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        HttpResponse<String> asAdmin = http.send(bearer(post(gw("/api/models/m-1/activate"), Map.of()),
                keycloak.userToken("admin", "admin-Passw0rd!")), text());
        assertThat(asAdmin.statusCode()).isEqualTo(200);
        assertThat(INFERENCE.last().path()).isEqualTo("/api/models/m-1/activate");
    }

    @Test
    void exceedingTheRateLimitIs429() throws Exception {
        String username = "rate-" + UUID.randomUUID().toString().substring(0, 8);
        keycloak.createUser(username, "Rate-Passw0rd!1");
        String token = keycloak.userToken(username, "Rate-Passw0rd!1");
        HttpResponse<String> last = null;
        int ok = 0;
        for (int i = 0; i <= RATE + 2; i++) {
            last = http.send(bearer(get(gw("/api/history")), token), text());
            if (last.statusCode() == 429) {
                break;
            }
            ok++;
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(ok).isGreaterThanOrEqualTo(RATE);
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        assertThat(last.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        // the demo user is not affected by someone else's bucket
        assertThat(http.send(bearer(get(gw("/api/history")), keycloak.userToken("demo", "demo-Passw0rd!")), text())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String token = keycloak.userToken("demo", "demo-Passw0rd!");
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(gw("/api/predictions")))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100 * 1024])).build(), text());
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
    }

    @Test
    void aRefusalWithItsBodyUnreadClosesTheConnection() throws Exception {
        // on the real server (Netty), not only the header: the connection ends after the answer
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /api/predictions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
            // anonymous and without a CSRF token: refused before anything reads the body; the read
            // returns at end of stream only, so a connection kept open fails this with a timeout
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 403").containsIgnoringCase("connection: close")
                    .contains("application/problem+json");
        }
    }

    private void assertUnauthorized(String token) throws Exception {
        int before = HISTORY.seen().size();
        HttpResponse<String> response = http.send(bearer(get(gw("/api/history")), token), text());
        assertThat(response.statusCode()).as(token).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(HISTORY.seen()).hasSize(before);
    }

    private String shortLivedToken() throws Exception {
        String clientId = "it-short-" + UUID.randomUUID().toString().substring(0, 8);
        String client = "{\"clientId\":\"" + clientId + "\",\"publicClient\":true,\"directAccessGrantsEnabled\":true,"
                + "\"standardFlowEnabled\":false,\"attributes\":{\"access.token.lifespan\":\"1\"},"
                + "\"protocolMappers\":[{\"name\":\"aud\",\"protocol\":\"openid-connect\","
                + "\"protocolMapper\":\"oidc-audience-mapper\",\"config\":{\"included.custom.audience\":\"aegis-api\","
                + "\"access.token.claim\":\"true\"}}]}";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(keycloak.baseUrl()
                        + "/admin/realms/aegis/clients"))
                .header("Authorization", "Bearer " + keycloak.adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(client)).build(), text());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String token = tokenFrom(keycloak.issuerUri(), Map.of("grant_type", "password", "client_id", clientId,
                "username", "demo", "password", "demo-Passw0rd!"));
        Map<String, Object> claims = claims(token);
        assertThat(claims.get("aud").toString()).contains("aegis-api");
        assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue()).isEqualTo(1);
        return token;
    }

    private String sessionsOf(String userId) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + "/admin/realms/aegis/users/" + userId
                + "/sessions")).header("Authorization", "Bearer " + keycloak.adminToken()).GET().build(), text()).body();
    }

    private String tokenFrom(String issuer, Map<String, String> form) throws Exception {
        HttpResponse<String> response = http.send(post(issuer + "/protocol/openid-connect/token", form), text());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("access_token").asString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> claims(String jwt) {
        return JSON.readValue(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), Map.class);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse.BodyHandler<String> text() {
        return HttpResponse.BodyHandlers.ofString();
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build();
    }

    private static HttpRequest bearer(HttpRequest request, String token) {
        return HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", "Bearer " + token)
                .build();
    }

    private static HttpRequest post(String url, Map<String, String> fields) {
        String body = new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
