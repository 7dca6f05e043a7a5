package dev.aegis.support.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A key endpoint that accepts the connection and never answers (a Keycloak stuck in a pause): the
 * request is refused with 401 once {@code aegis.security.keys-timeout} passed, instead of waiting
 * for the keys for as long as the caller does.
 */
@SpringBootTest(classes = ResourceServerTest.App.class, properties = {
        "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1/realms/aegis",
        "aegis.security.keys-timeout=1s"})
class SilentKeyServerTest {

    private static final List<Socket> HELD = new CopyOnWriteArrayList<>();
    private static final ServerSocket SILENT = silentServer();

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> "http://127.0.0.1:" + SILENT.getLocalPort() + "/certs");
    }

    @Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void aKeyEndpointThatNeverAnswersGivesA401AfterTheTimeout() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer("http://127.0.0.1:1/realms/aegis").subject("u").audience("aegis-api")
                        .expirationTime(java.util.Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(key));
        // far longer than the keys timeout: without it the request waits as long as this client
        WebTestClient client = WebTestClient.bindToApplicationContext(context)
                .apply(org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity())
                .configureClient().responseTimeout(Duration.ofSeconds(30)).build();

        client.get().uri("/whoami").header("Authorization", "Bearer " + jwt.serialize()).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> org.assertj.core.api.Assertions
                        .assertThat(String.valueOf(detail)).contains("cannot be verified now"));
        org.assertj.core.api.Assertions.assertThat(HELD).as("the decoder did reach the silent endpoint").isNotEmpty();
    }

    @AfterAll
    static void close() throws IOException {
        SILENT.close();
        for (Socket socket : HELD) {
            socket.close();
        }
    }

    private static ServerSocket silentServer() {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accepting = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        HELD.add(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-key-server");
            accepting.setDaemon(true);
            accepting.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
