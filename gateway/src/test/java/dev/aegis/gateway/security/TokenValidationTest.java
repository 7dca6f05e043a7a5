package dev.aegis.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/** The claim rules alone; signatures and alg none are proven against real Keycloak in GatewayIT. */
class TokenValidationTest {

    private static final String ISSUER = "http://127.0.0.1:8180/realms/aegis";
    private final OAuth2TokenValidator<Jwt> validator = TokenValidation.validator(
            new OidcProperties(ISSUER, null, "aegis-gateway", "s", "aegis-api", Duration.ofSeconds(30),
                    Duration.ofSeconds(5)));

    private static Jwt token(Consumer<Jwt.Builder> changes) {
        Instant now = Instant.now();
        Jwt.Builder builder = Jwt.withTokenValue("t").header("alg", "RS256")
                .issuer(ISSUER).subject("u1").audience(List.of("aegis-api", "account"))
                .issuedAt(now.minusSeconds(10)).expiresAt(now.plusSeconds(290)).claim("typ", "Bearer");
        changes.accept(builder);
        return builder.build();
    }

    private OAuth2TokenValidatorResult validate(Consumer<Jwt.Builder> changes) {
        return validator.validate(token(changes));
    }

    @Test
    void acceptsAnAccessTokenOfTheRealmForTheApi() {
        assertThat(validate(b -> { }).hasErrors()).isFalse();
    }

    @Test
    void refusesExpiredBeyondTheSkew() {
        Instant past = Instant.now().minusSeconds(120);
        assertThat(validate(b -> b.issuedAt(past.minusSeconds(300)).expiresAt(past)).hasErrors()).isTrue();
        // within the 30 s skew still passes: clocks of Keycloak and gateway may drift a little
        Instant justNow = Instant.now().minusSeconds(5);
        assertThat(validate(b -> b.issuedAt(justNow.minusSeconds(300)).expiresAt(justNow)).hasErrors()).isFalse();
    }

    @Test
    void refusesATokenWithoutExpiry() {
        assertThat(validate(b -> b.claims(c -> c.remove("exp"))).hasErrors()).isTrue();
    }

    @Test
    void refusesAnotherIssuer() {
        assertThat(validate(b -> b.issuer("http://127.0.0.1:8180/realms/master")).hasErrors()).isTrue();
    }

    @Test
    void refusesAMissingOrForeignAudience() {
        assertThat(validate(b -> b.claims(c -> c.remove("aud"))).hasErrors()).isTrue();
        assertThat(validate(b -> b.audience(List.of("account"))).hasErrors()).isTrue();
    }

    @Test
    void refusesAnIdToken() {
        assertThat(validate(b -> b.claim("typ", "ID")).hasErrors()).isTrue();
    }
}
