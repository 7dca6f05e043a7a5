package dev.aegis.gateway.security;

import java.util.List;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

/**
 * The one place that says what a valid Aegis access token is: signed by the realm's key with RS256
 * (so {@code alg: none} and HMAC tricks fail), issued by the realm, carrying the API audience, not
 * expired, and an access token rather than an ID token.
 */
final class TokenValidation {

    private TokenValidation() {
    }

    static ReactiveJwtDecoder decoder(OidcProperties oidc) {
        // Bounded: the decoder's default client waits for the keys without end, so a Keycloak that
        // accepts the connection and never answers held every request carrying a new key id.
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, oidc.keysTimeout().toMillis());
        HttpClient keysClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .responseTimeout(oidc.keysTimeout());
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(oidc.endpoint("certs"))
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .webClient(WebClient.builder().clientConnector(new ReactorClientHttpConnector(keysClient)).build())
                .build();
        decoder.setJwtValidator(validator(oidc));
        // Keys that cannot be fetched (Keycloak down, unknown kid) surface as a bare
        // IllegalStateException that no authentication handler sees (a 500): a JwtException is an
        // authentication failure, answered 401 problem+json like any unverifiable token.
        return token -> decoder.decode(token).onErrorMap(e -> !(e instanceof JwtException),
                e -> new JwtException("the token cannot be verified now: " + e.getMessage(), e));
    }

    static OAuth2TokenValidator<Jwt> validator(OidcProperties oidc) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(oidc.clockSkew());
        // a token without exp would pass the timestamp check: require it
        JwtClaimValidator<Object> hasExpiry = new JwtClaimValidator<>(JwtClaimNames.EXP, exp -> exp != null);
        JwtClaimValidator<List<String>> audience = new JwtClaimValidator<>(JwtClaimNames.AUD,
                aud -> aud != null && aud.contains(oidc.audience()));
        // Keycloak marks access tokens typ=Bearer; ID tokens (typ=ID) must not open the API
        JwtClaimValidator<String> accessToken = new JwtClaimValidator<>("typ", "Bearer"::equals);
        return new DelegatingOAuth2TokenValidator<>(List.of(timestamps, hasExpiry,
                new JwtIssuerValidator(oidc.issuer()), audience, accessToken));
    }
}
