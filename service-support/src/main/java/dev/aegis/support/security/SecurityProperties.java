package dev.aegis.support.security;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a service checks tokens. The issuer comes from Boot's standard property so operators set
 * it once ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}); the audience is ours.
 *
 * @param audience    the value every accepted token must carry in {@code aud}
 * @param publicPaths paths reachable without a token besides health, metrics and the API docs
 * @param keysTimeout longest wait to connect to the issuer's key endpoint, and then for its
 *                    answer; past it the token counts as unverifiable (401), default 5 s
 */
@ConfigurationProperties("aegis.security")
public record SecurityProperties(String audience, List<String> publicPaths, Duration keysTimeout) {

    public SecurityProperties {
        if (audience == null || audience.isBlank()) {
            audience = "aegis-api";
        }
        publicPaths = publicPaths == null ? List.of() : List.copyOf(publicPaths);
        if (keysTimeout == null) {
            keysTimeout = Duration.ofSeconds(5);
        }
        if (keysTimeout.isNegative() || keysTimeout.isZero()) {
            throw new IllegalArgumentException("aegis.security.keys-timeout must be positive");
        }
    }
}
