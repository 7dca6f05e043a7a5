package dev.aegis.history;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import dev.aegis.testsupport.KeycloakHandle;
import dev.aegis.testsupport.RealServersExtension;

/**
 * Users and access tokens for the end-to-end test. Real Keycloak (realm aegis, users created
 * through its admin API) when it starts; on a machine too loaded for Keycloak to start in time,
 * or with {@code -Daegis.it.identity=local}, a local issuer: an HTTP server publishing an RSA JWK
 * set at Keycloak's certificate path, with tokens signed by that key. Either way the service
 * validates real signed tokens (signature fetched over HTTP, issuer, audience, expiry). Must be
 * registered after {@code @RealServers} and before {@code @SpringBootTest}: it sets the issuer
 * property the context reads.
 */
public final class TestIdentity implements TestInstancePostProcessor {

    public record User(String id, String token) {
    }

    private static final String ISSUER_PROPERTY = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]+)\"");
    private static final String PASSWORD = "Hist-Passw0rd!42";

    private static KeycloakHandle keycloak;
    private static LocalIssuer local;

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        init();
    }

    public static synchronized void init() {
        if (keycloak != null || local != null) {
            return;
        }
        if (!"local".equals(System.getProperty("aegis.it.identity"))) {
            try {
                keycloak = RealServersExtension.keycloak();
                System.out.println("[history-it] identity: Keycloak " + keycloak.issuerUri());
                return;
            } catch (RuntimeException e) {
                System.out.println("[history-it] Keycloak did not start (" + e.getMessage().lines().findFirst().orElse("")
                        + "); using a local JWK-set issuer instead");
            }
        }
        local = new LocalIssuer();
        System.setProperty(ISSUER_PROPERTY, local.issuer);
        System.out.println("[history-it] identity: local issuer " + local.issuer);
    }

    public static synchronized User newUser(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (keycloak != null) {
            keycloak.createUser(name, PASSWORD);
            String token = keycloak.userToken(name, PASSWORD);
            String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
            Matcher sub = SUB.matcher(payload);
            if (!sub.find()) {
                throw new IllegalStateException("no sub in Keycloak token");
            }
            return new User(sub.group(1), token);
        }
        String id = UUID.randomUUID().toString();
        return new User(id, local.token(id, name));
    }

    /**
     * A new token for a user of the local issuer (tokens live 10 min; a long benchmark outlives one).
     * Not available with Keycloak, whose tokens need the user's password.
     */
    public static synchronized String freshToken(User user) {
        if (local == null) {
            throw new IllegalStateException("fresh tokens only from the local issuer (-Daegis.it.identity=local)");
        }
        return local.token(user.id(), "user-" + user.id());
    }

    /** Serves {@code /realms/aegis/protocol/openid-connect/certs}, the path the service derives from its issuer. */
    private static final class LocalIssuer {

        final String issuer;
        private final RSAKey key;

        LocalIssuer() {
            try {
                key = new RSAKeyGenerator(2048).keyID("history-it").generate();
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
                server.createContext("/realms/aegis/protocol/openid-connect/certs", exchange -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, jwks.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(jwks);
                    }
                });
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
                issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/aegis";
            } catch (JOSEException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String token(String subject, String username) {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .subject(subject)
                    .audience(List.of("aegis-api", "account"))
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plusSeconds(600)))
                    .claim("preferred_username", username)
                    .claim("realm_access", Map.of("roles", List.of("user")))
                    .build();
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
                jwt.sign(new RSASSASigner(key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
