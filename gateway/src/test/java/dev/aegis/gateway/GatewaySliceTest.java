package dev.aegis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import reactor.core.publisher.Flux;

/**
 * The gateway's own rules with a mocked authentication (no Keycloak here: GatewayIT does the real
 * thing) and stub downstream services: roles, limits, problem answers, headers, routing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class GatewaySliceTest {

    static final StubService INFERENCE = new StubService("inference");
    static final StubService ADVERSARIAL = new StubService("adversarial");
    static final StubService HISTORY = new StubService("history");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("aegis.gateway.inference-url", INFERENCE::url);
        registry.add("aegis.gateway.adversarial-url", ADVERSARIAL::url);
        registry.add("aegis.gateway.history-url", HISTORY::url);
        // never contacted: authentication is mocked in this test
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> "http://127.0.0.1:1/realms/aegis");
        registry.add("aegis.gateway.limits.requests-per-period", () -> "5");
        registry.add("aegis.gateway.limits.max-body", () -> "1KB");
    }

    @AfterAll
    static void stop() {
        INFERENCE.close();
        ADVERSARIAL.close();
        HISTORY.close();
    }

    @Autowired
    ApplicationContext context;

    WebTestClient client;

    @BeforeEach
    void client() {
        client = WebTestClient.bindToApplicationContext(context).apply(springSecurity()).configureClient()
                .responseTimeout(Duration.ofSeconds(60)).build();
    }

    private static SecurityUser user(String role) {
        return new SecurityUser(UUID.randomUUID().toString(), role);
    }

    private record SecurityUser(String sub, String role) {
        org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.JwtMutator jwt() {
            return mockJwt().jwt(j -> j.subject(sub).claim("preferred_username", "u-" + sub))
                    .authorities(new SimpleGrantedAuthority("ROLE_" + role));
        }
    }

    @Test
    void anonymousApiCallIs401ProblemJson() {
        client.get().uri("/api/predictions/p1").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
                .expectBody().jsonPath("$.status").isEqualTo(401);
    }

    /** The issuer (port 1) is unreachable, as Keycloak is when it is down: the keys cannot be fetched. */
    @Test
    void aSignedTokenWhoseKeysCannotBeFetchedIs401ProblemNot500() throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k1").generate();
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256).keyID("k1").build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("http://127.0.0.1:1/realms/aegis").subject("u")
                        .audience("aegis-api").claim("typ", "Bearer")
                        .expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(300))).build());
        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
        var before = HISTORY.last();
        client.get().uri("/api/history").header("Authorization", "Bearer " + jwt.serialize()).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(401);
        assertThat(HISTORY.last()).as("nothing reaches the service").isSameAs(before);
    }

    @Test
    void routesEachPrefixToItsService() {
        client.mutateWith(user("user").jwt()).get().uri("/api/predictions/p1").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("inference");
        client.mutateWith(user("user").jwt()).get().uri("/api/batches").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("inference");
        client.mutateWith(user("user").jwt()).get().uri("/api/models").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("inference");
        client.mutateWith(user("user").jwt()).get().uri("/api/attacks/a1").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("adversarial");
        client.mutateWith(user("user").jwt()).get().uri("/api/robustness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("adversarial");
        client.mutateWith(user("user").jwt()).get().uri("/api/history?page=2").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("history").jsonPath("$.path").isEqualTo("/api/history?page=2");
    }

    @Test
    void cookiesNeverReachServices() {
        client.mutateWith(user("user").jwt()).get().uri("/api/history/h1")
                .cookie("AEGIS_SESSION", "secret-session").exchange().expectStatus().isOk();
        assertThat(HISTORY.last().path()).isEqualTo("/api/history/h1");
        assertThat(HISTORY.last().cookie()).isNull();
    }

    @Test
    void modelManagementNeedsAdmin() {
        client.mutateWith(user("user").jwt()).post().uri("/api/models/m1/activate").exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(403);
        client.mutateWith(user("user").jwt()).delete().uri("/api/models/m1").exchange().expectStatus().isForbidden();
        // a mocked login sends no Authorization header, so the CSRF rule applies as for a browser
        client.mutateWith(user("admin").jwt()).mutateWith(csrf()).post().uri("/api/models/m1/activate").exchange()
                .expectStatus().isOk();
        assertThat(INFERENCE.last().method()).isEqualTo("POST");
        assertThat(INFERENCE.last().path()).isEqualTo("/api/models/m1/activate");
    }

    @Test
    void sixthCallInAWindowIs429WithRetryAfter() {
        var jwt = user("user").jwt();
        for (int i = 0; i < 5; i++) {
            client.mutateWith(jwt).get().uri("/api/history").exchange().expectStatus().isOk()
                    .expectHeader().valueEquals("X-RateLimit-Remaining", Integer.toString(4 - i));
        }
        client.mutateWith(jwt).get().uri("/api/history").exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.status").isEqualTo(429).jsonPath("$.type").value(t ->
                        assertThat(t.toString()).endsWith("rate-limited"));
        // another user still has a full allowance
        client.mutateWith(user("user").jwt()).get().uri("/api/history").exchange().expectStatus().isOk();
    }

    @Test
    void bodyAboveTheLimitIs413ProblemJson() {
        byte[] big = new byte[2048];
        int before = INFERENCE.seen().size();
        client.mutateWith(user("user").jwt()).post().uri("/api/predictions")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(big).exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("Connection", "close")
                .expectBody().jsonPath("$.status").isEqualTo(413);
        assertThat(INFERENCE.seen()).hasSize(before);
        client.mutateWith(user("user").jwt()).mutateWith(csrf()).post().uri("/api/predictions")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(new byte[512]).exchange()
                .expectStatus().isOk();
        assertThat(INFERENCE.last().bodyBytes()).isEqualTo(512);
    }

    @Test
    void chunkedBodyAboveTheLimitIs413Too() {
        var factory = DefaultDataBufferFactory.sharedInstance;
        Flux<org.springframework.core.io.buffer.DataBuffer> chunks = Flux.range(0, 8)
                .map(i -> factory.wrap("x".repeat(300).getBytes(StandardCharsets.UTF_8)));
        client.mutateWith(user("user").jwt()).mutateWith(csrf()).post().uri("/api/predictions")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(BodyInserters.fromDataBuffers(chunks)).exchange()
                .expectStatus().isEqualTo(413);
    }

    @Test
    void browserStyleCallWithoutCsrfTokenIsRefused() {
        // a mocked login is not a bearer header: the CSRF rule applies
        client.mutateWith(user("user").jwt()).post().uri("/api/predictions").exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist("Connection")
                .expectBody().jsonPath("$.type").value(t -> assertThat(t.toString()).endsWith("csrf"));
        // refused with its body unread: the connection closes rather than carry the next request
        client.mutateWith(user("user").jwt()).post().uri("/api/predictions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isForbidden()
                .expectHeader().valueEquals("Connection", "close");
        client.mutateWith(user("user").jwt()).mutateWith(csrf()).post().uri("/api/predictions").exchange()
                .expectStatus().isOk();
    }

    @Test
    void meTellsWhoIsCalling() {
        var u = user("admin");
        client.mutateWith(u.jwt()).get().uri("/api/me").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo(u.sub())
                .jsonPath("$.username").isEqualTo("u-" + u.sub())
                // no name in the token: the username stands in
                .jsonPath("$.name").isEqualTo("u-" + u.sub())
                .jsonPath("$.roles[0]").isEqualTo("admin")
                .jsonPath("$.via").isEqualTo("bearer");
    }

    @Test
    void unknownApiPathIs404ProblemJson() {
        client.mutateWith(user("user").jwt()).get().uri("/api/nothing-here").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void securityHeadersOnEveryAnswer() {
        client.get().uri("/").exchange()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp)
                        .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"))
                .expectHeader().doesNotExist("Strict-Transport-Security");
        // HSTS only where TLS is in use
        WebTestClient https = WebTestClient.bindToApplicationContext(context).apply(springSecurity())
                .configureClient().baseUrl("https://aegis.example").responseTimeout(Duration.ofSeconds(60)).build();
        https.get().uri("/api/me").exchange()
                .expectHeader().value("Strict-Transport-Security", h -> assertThat(h).contains("max-age=31536000"));
    }

    @Test
    void healthIsPublicButOtherActuatorsAreNot() {
        client.get().uri("/actuator/health").exchange().expectStatus().isOk();
        client.mutateWith(user("admin").jwt()).get().uri("/actuator/env").exchange().expectStatus().isForbidden();
    }

    @Test
    void loginStartsTheCodeFlowWithPkce() {
        client.get().uri("/oauth2/authorization/keycloak").exchange()
                .expectStatus().is3xxRedirection()
                .expectHeader().value("Location", location -> assertThat(location)
                        .startsWith("http://127.0.0.1:1/realms/aegis/protocol/openid-connect/auth?")
                        .contains("client_id=aegis-gateway", "code_challenge=", "code_challenge_method=S256",
                                "scope=openid"));
    }
}
