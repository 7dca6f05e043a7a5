package dev.aegis.support.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.aegis.support.problem.NotFoundException;
import reactor.core.publisher.Mono;

@SpringBootTest(properties = {
        "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1/realms/aegis"})
class ResourceServerTest {

    WebTestClient client;

    @Autowired
    void bind(org.springframework.context.ApplicationContext context) {
        client = WebTestClient.bindToApplicationContext(context)
                .apply(org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity())
                .configureClient().responseTimeout(java.time.Duration.ofSeconds(60)).build();
    }

    @Test
    void requestWithoutTokenIsRefusedWithProblemJson() {
        client.get().uri("/whoami").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueMatches("WWW-Authenticate", "Bearer.*")
                .expectBody().jsonPath("$.status").isEqualTo(401);
    }

    /** The test issuer (port 1) is unreachable, as Keycloak is when it is down. */
    @Test
    void aSignedTokenWhoseKeysCannotBeFetchedIs401ProblemNot500() throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k1").generate();
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256).keyID("k1").build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("http://127.0.0.1:1/realms/aegis").subject("u")
                        .audience("aegis-api").expirationTime(java.util.Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
        client.get().uri("/whoami").header("Authorization", "Bearer " + jwt.serialize()).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(401);
    }

    @Test
    void healthAndApiDocsNeedNoToken() {
        client.get().uri("/actuator/health").exchange().expectStatus().isOk();
    }

    @Test
    void theSubjectIsTheUserIdAndRealmRolesBecomeAuthorities() {
        client.mutateWith(mockJwt().jwt(j -> j.subject("user-1")
                        .claim("realm_access", Map.of("roles", List.of("user", "admin"))))
                        .authorities(new KeycloakRoles()))
                .get().uri("/whoami").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).isEqualTo("user-1 admin=true");
    }

    @Test
    void notFoundIsProblemJson() {
        client.mutateWith(mockJwt())
                .get().uri("/missing").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("no thing with id 'x'");
    }

    @Test
    void audienceValidatorAcceptsOnlyTheConfiguredAudience() {
        AudienceValidator validator = new AudienceValidator("aegis-api");
        assertThat(validator.validate(jwt(List.of("aegis-api", "account"))).hasErrors()).isFalse();
        assertThat(validator.validate(jwt(List.of("account"))).hasErrors()).isTrue();
        assertThat(validator.validate(jwt(List.of())).hasErrors()).isTrue();
    }

    private static Jwt jwt(List<String> audience) {
        Jwt.Builder builder = Jwt.withTokenValue("t").header("alg", "RS256").subject("s")
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60));
        if (!audience.isEmpty()) {
            builder.audience(audience);
        } else {
            builder.claim("scope", "x");
        }
        return builder.build();
    }

    @SpringBootApplication
    static class App {
        @RestController
        static class Probe {
            private final CurrentUser user;

            Probe(CurrentUser user) {
                this.user = user;
            }

            @GetMapping("/whoami")
            Mono<String> whoami() {
                return user.id().zipWith(user.hasRole("admin"), (id, admin) -> id + " admin=" + admin);
            }

            @GetMapping("/missing")
            Mono<String> missing() {
                return Mono.error(new NotFoundException("thing", "x"));
            }
        }
    }
}
