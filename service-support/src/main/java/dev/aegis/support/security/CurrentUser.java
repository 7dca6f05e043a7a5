package dev.aegis.support.security;

import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import reactor.core.publisher.Mono;

/** The caller of the current request. The JWT {@code sub} is the user id everywhere in Aegis. */
public class CurrentUser {

    /** The caller's user id; errors if the request is not authenticated with a JWT. */
    public Mono<String> id() {
        return jwt().map(Jwt::getSubject);
    }

    public Mono<Jwt> jwt() {
        return ReactiveSecurityContextHolder.getContext()
                .map(ctx -> ctx.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(auth -> ((JwtAuthenticationToken) auth).getToken())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no authenticated JWT in this request")));
    }

    /** Whether the caller has a realm role, e.g. {@code admin}. */
    public Mono<Boolean> hasRole(String role) {
        return ReactiveSecurityContextHolder.getContext()
                .map(ctx -> ctx.getAuthentication().getAuthorities().stream()
                        .anyMatch(a -> a.getAuthority().equals("ROLE_" + role)))
                .defaultIfEmpty(false);
    }
}
