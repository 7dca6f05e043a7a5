package dev.aegis.reliability.load;

import static io.gatling.javaapi.http.HttpDsl.ByteArrayBodyPart;
import static io.gatling.javaapi.http.HttpDsl.StringBodyPart;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.aegis.testsupport.KeycloakAdmin;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * N signed-in users, each a separate Keycloak user, each looping for a bounded time at a fixed
 * pace over: classify an image (upload, then one long-poll for the result), attack it (FGSM,
 * long-poll), read the history. Runs against a running stack (./aegis up); every knob is a system
 * property:
 *
 * <pre>
 * ./mvnw -f reliability/pom.xml -Pload gatling:test \
 *     -Daegis.load.users=8 -Daegis.load.duration=90 -Daegis.load.pace=5 \
 *     -Daegis.load.baseUrl=http://127.0.0.1:8080 \
 *     -Daegis.load.keycloak=http://127.0.0.1:8180
 * </pre>
 *
 * Before the run, N users {@code load-<run>-<i>} are created through Keycloak's admin REST API
 * (master-realm admin of the local stack, overridable) and deleted after it: virtual users that
 * share one account trip the realm's brute-force protection on concurrent sign-ins and are rate
 * limited by the gateway as one user. Sign-ins are staggered over the ramp, and a failed sign-in
 * ends that virtual user (it would otherwise loop without a token).
 *
 * <p>Gatling prints requests/s, p50/p75/p95/p99 and the error count per request and in total, and
 * writes the HTML report under reliability/target/gatling/. The run fails when any request fails.
 */
public class AegisSimulation extends Simulation {

    private static final String BASE = System.getProperty("aegis.load.baseUrl", "http://127.0.0.1:8080");
    private static final String KEYCLOAK = System.getProperty("aegis.load.keycloak", "http://127.0.0.1:8180");
    private static final String REALM = System.getProperty("aegis.load.realm", "aegis");
    private static final String ISSUER = KEYCLOAK + "/realms/" + REALM;
    private static final String ADMIN_USER = System.getProperty("aegis.load.adminUser", "aegis-admin");
    private static final String ADMIN_PASSWORD = System.getProperty("aegis.load.adminPassword", "aegis-admin-local");
    /** Satisfies the realm's password policy (length, digit, upper, lower, special, not the name). */
    private static final String PASSWORD = "Load-Passw0rd!" + Long.toString(System.nanoTime(), 36);
    private static final String CLIENT = System.getProperty("aegis.load.client", "aegis-cli");
    private static final int USERS = Integer.getInteger("aegis.load.users", 8);
    private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("aegis.load.duration", 60));
    /** Seconds between iteration starts of one user: 5 requests per iteration, so 1 req/s per user at 5 s. */
    private static final Duration PACE = Duration.ofMillis((long) (1000 * Double.parseDouble(
            System.getProperty("aegis.load.pace", "5"))));
    /** Sign-ins spread over this many seconds, so Keycloak's password hashing is not hit all at once. */
    private static final Duration RAMP = Duration.ofSeconds(Integer.getInteger("aegis.load.ramp", Math.max(1, USERS)));
    private static final String WAIT = System.getProperty("aegis.load.wait", "PT20S");
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

    private static final KeycloakAdmin ADMIN = new KeycloakAdmin(KEYCLOAK, REALM, ADMIN_USER, ADMIN_PASSWORD);
    private final List<String> createdIds = new ArrayList<>();

    /** A few distinct small PNGs, so the services' "same bytes, same stored image" path is not all we measure. */
    private static final List<byte[]> IMAGES = images(16);

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE)
            .acceptHeader("application/json")
            .userAgentHeader("aegis-gatling");

    private final ChainBuilder login = exec(http("token")
            .post(ISSUER + "/protocol/openid-connect/token")
            .formParam("grant_type", "password")
            .formParam("client_id", CLIENT)
            .formParam("username", "#{username}")
            .formParam("password", PASSWORD)
            .check(status().is(200), jsonPath("$.access_token").saveAs("token")));

    private final ChainBuilder classify = exec(session -> session.set("image",
            IMAGES.get(ThreadLocalRandom.current().nextInt(IMAGES.size()))))
            .exec(http("classify: upload")
                    .post("/api/predictions")
                    .header("Authorization", "Bearer #{token}")
                    .bodyPart(ByteArrayBodyPart("file", "#{image}").fileName("load.png").contentType("image/png"))
                    .asMultipartForm()
                    .check(status().is(202), jsonPath("$.id").saveAs("predictionId"),
                            jsonPath("$.imageId").saveAs("imageId")))
            .exec(http("classify: result")
                    .get("/api/predictions/#{predictionId}?wait=" + WAIT)
                    .header("Authorization", "Bearer #{token}")
                    .check(status().is(200), jsonPath("$.status").is("DONE")));

    private final ChainBuilder attack = exec(http("attack: submit")
            .post("/api/attacks")
            .header("Authorization", "Bearer #{token}")
            .bodyPart(StringBodyPart("method", "FGSM"))
            .bodyPart(StringBodyPart("epsilon", "0.03"))
            .bodyPart(ByteArrayBodyPart("image", "#{image}").fileName("load.png").contentType("image/png"))
            .asMultipartForm()
            .check(status().is(202), jsonPath("$.id").saveAs("attackId")))
            .exec(http("attack: result")
                    .get("/api/attacks/#{attackId}?wait=" + WAIT)
                    .header("Authorization", "Bearer #{token}")
                    .check(status().is(200)));

    private final ChainBuilder history = exec(http("history")
            .get("/api/history?size=20")
            .header("Authorization", "Bearer #{token}")
            .check(status().is(200)));

    private final AtomicInteger next = new AtomicInteger();

    /** Each virtual user takes the next of the users created in before(); never shared. */
    private final Iterator<Map<String, Object>> accounts = Stream.generate(
            () -> Map.<String, Object>of("username", username(next.getAndIncrement()))).iterator();

    private final ScenarioBuilder user = scenario("classify / attack / history")
            .feed(accounts)
            .exec(login)
            .exitHereIfFailed()
            .during(DURATION).on(pace(PACE).exec(classify).exec(attack).exec(history));

    {
        setUp(user.injectOpen(nothingFor(Duration.ofSeconds(1)), rampUsers(USERS).during(RAMP)))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L));
    }

    @Override
    public void before() {
        for (int i = 0; i < USERS; i++) {
            createdIds.add(ADMIN.createUser(username(i), PASSWORD, "load.aegis.local", "Load"));
        }
        System.out.printf("created %d Keycloak users load-%s-0..%d; pace %s per iteration, ramp %s, duration %s%n",
                USERS, RUN, USERS - 1, PACE, RAMP, DURATION);
    }

    @Override
    public void after() {
        // the load users are throw-away: leave the developer realm as it was
        createdIds.forEach(ADMIN::deleteUser);
    }

    private static String username(int i) {
        return "load-" + RUN + "-" + i;
    }

    private static List<byte[]> images(int n) {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(Color.HSBtoRGB(i / (float) n, 0.6f, 0.9f)));
            g.fillRect(0, 0, 64, 64);
            g.setColor(Color.DARK_GRAY);
            g.fillOval(8 + i, 16, 40, 24);
            g.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            images.add(out.toByteArray());
        }
        return images;
    }
}
