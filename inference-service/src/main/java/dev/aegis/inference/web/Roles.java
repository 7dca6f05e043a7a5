package dev.aegis.inference.web;

import java.util.Collection;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.server.ResponseStatusException;

/** Keycloak realm roles, read from {@code realm_access.roles} of the caller's token. */
public final class Roles {

    private Roles() {
    }

    public static boolean has(Jwt jwt, String role) {
        Object access = jwt.getClaims().get("realm_access");
        return access instanceof Map<?, ?> map && map.get("roles") instanceof Collection<?> roles
                && roles.contains(role);
    }

    public static void requireAdmin(Jwt jwt) {
        if (!has(jwt, "admin")) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "managing models requires the admin role");
        }
    }
}
