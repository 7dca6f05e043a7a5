package dev.aegis.gateway.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Keycloak is and who the gateway is to it.
 *
 * @param issuer            the realm issuer every token must carry (what browsers and API clients see)
 * @param backchannelIssuer where the gateway itself reaches the realm (token, keys, user info); in
 *                          Kubernetes an in-cluster address, locally the issuer
 * @param clientId          the confidential client used for browser logins
 * @param clientSecret      its secret (from the environment, never committed for Kubernetes)
 * @param audience          the {@code aud} value every bearer token must contain
 * @param clockSkew         tolerance when checking {@code exp} and {@code nbf}
 * @param keysTimeout       longest wait to connect to the realm's key endpoint, and then for its
 *                          answer; past it the token counts as unverifiable (401)
 */
@ConfigurationProperties("aegis.gateway.oidc")
public record OidcProperties(
        String issuer,
        String backchannelIssuer,
        @DefaultValue("aegis-gateway") String clientId,
        String clientSecret,
        @DefaultValue("aegis-api") String audience,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("5s") Duration keysTimeout) {

    public String backchannel() {
        return backchannelIssuer == null || backchannelIssuer.isBlank() ? issuer : backchannelIssuer;
    }

    public String endpoint(String path) {
        return backchannel() + "/protocol/openid-connect/" + path;
    }

    public String publicEndpoint(String path) {
        return issuer + "/protocol/openid-connect/" + path;
    }
}
