package dev.aegis.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtException;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A realm whose key endpoint accepts the connection and never answers (a Keycloak stuck in a
 * pause): the token is refused once {@code keys-timeout} passed, instead of holding the request.
 */
class SilentKeyServerTest {

    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private ServerSocket silent;

    @AfterEach
    void close() throws IOException {
        silent.close();
        for (Socket socket : held) {
            socket.close();
        }
    }

    @Test
    void aKeyEndpointThatNeverAnswersRefusesTheTokenAfterTheTimeout() throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-key-server");
        accepting.setDaemon(true);
        accepting.start();
        String issuer = "http://127.0.0.1:8180/realms/aegis";
        OidcProperties oidc = new OidcProperties(issuer, "http://127.0.0.1:" + silent.getLocalPort() + "/realms/aegis",
                "aegis-gateway", "s", "aegis-api", Duration.ofSeconds(30), Duration.ofSeconds(1));
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer(issuer).subject("u").audience("aegis-api").claim("typ", "Bearer")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(key));

        // far longer than the keys timeout: without it the decoding waits as long as this block
        assertThatThrownBy(() -> TokenValidation.decoder(oidc).decode(jwt.serialize()).block(Duration.ofSeconds(30)))
                .isInstanceOf(JwtException.class).hasMessageContaining("cannot be verified now");
        assertThat(held).as("the decoder did reach the silent endpoint").isNotEmpty();
    }
}
