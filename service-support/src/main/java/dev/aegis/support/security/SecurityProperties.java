package dev.aegis.support.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a service checks tokens. The issuer comes from Boot's standard property so operators set
 * it once ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}); the audience is ours.
 *
 * @param audience the value every accepted token must carry in {@code aud}
 * @param publicPaths paths reachable without a token besides health, metrics and the API docs
 */
@ConfigurationProperties("aegis.security")
public record SecurityProperties(String audience, java.util.List<String> publicPaths) {

    public SecurityProperties {
        if (audience == null || audience.isBlank()) {
            audience = "aegis-api";
        }
        publicPaths = publicPaths == null ? java.util.List.of() : java.util.List.copyOf(publicPaths);
    }
}
