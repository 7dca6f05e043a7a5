package dev.aegis.gateway.me;

import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who is logged in, for the portal's header and its role-dependent screens. */
@RestController
class MeController {

    @GetMapping("/api/me")
    Me me(Authentication authentication) {
        List<String> roles = authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_"))
                .map(a -> a.substring(5))
                .filter(r -> r.equals("user") || r.equals("admin"))
                .sorted()
                .toList();
        if (authentication instanceof OAuth2AuthenticationToken login
                && login.getPrincipal() instanceof OidcUser user) {
            return new Me(user.getSubject(), user.getPreferredUsername(),
                    displayName(user.getFullName(), user.getPreferredUsername()), user.getEmail(), roles, "session");
        }
        if (authentication instanceof JwtAuthenticationToken bearer) {
            var jwt = bearer.getToken();
            return new Me(jwt.getSubject(), jwt.getClaimAsString("preferred_username"),
                    displayName(jwt.getClaimAsString("name"), jwt.getClaimAsString("preferred_username")),
                    jwt.getClaimAsString("email"), roles, "bearer");
        }
        return new Me(authentication.getName(), authentication.getName(), null, null, roles, "other");
    }

    /** Accounts registered without first and last name are shown by their username. */
    private static String displayName(String fullName, String username) {
        return fullName == null || fullName.isBlank() ? username : fullName;
    }

    /** {@code via}: {@code session} for a browser login, {@code bearer} for a program's token. */
    record Me(String id, String username, String name, String email, List<String> roles, String via) {
    }
}
