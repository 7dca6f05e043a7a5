package dev.aegis.reliability.load;

import static io.gatling.javaapi.http.HttpDsl.ByteArrayBodyPart;
import static io.gatling.javaapi.http.HttpDsl.StringBodyPart;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
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
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import javax.imageio.ImageIO;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * N signed-in users, each looping for a bounded time over: classify an image (upload, then one
 * long-poll for the result), attack it (FGSM, long-poll), read the history. Runs against a
 * running stack (./aegis up); every knob is a system property:
 *
 * <pre>
 * ./mvnw -f reliability/pom.xml -Pload gatling:test \
 *     -Daegis.load.users=8 -Daegis.load.duration=60 \
 *     -Daegis.load.baseUrl=http://127.0.0.1:8080 \
 *     -Daegis.load.issuer=http://127.0.0.1:8180/realms/aegis \
 *     -Daegis.load.username=demo -Daegis.load.password=demo-Passw0rd!
 * </pre>
 *
 * Gatling prints requests/s, p50/p75/p95/p99 and the error count per request and in total, and
 * writes the HTML report under reliability/target/gatling/. The run fails when any request fails.
 */
public class AegisSimulation extends Simulation {

    private static final String BASE = System.getProperty("aegis.load.baseUrl", "http://127.0.0.1:8080");
    private static final String ISSUER = System.getProperty("aegis.load.issuer", "http://127.0.0.1:8180/realms/aegis");
    private static final String USERNAME = System.getProperty("aegis.load.username", "demo");
    private static final String PASSWORD = System.getProperty("aegis.load.password", "demo-Passw0rd!");
    private static final String CLIENT = System.getProperty("aegis.load.client", "aegis-cli");
    private static final int USERS = Integer.getInteger("aegis.load.users", 8);
    private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("aegis.load.duration", 60));
    private static final String WAIT = System.getProperty("aegis.load.wait", "PT20S");

    /** A few distinct small PNGs, so the services' "same bytes, same stored image" path is not all we measure. */
    private static final List<byte[]> IMAGES = images(16);

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE)
            .acceptHeader("application/json")
            .userAgentHeader("aegis-gatling");

    private final ChainBuilder login = exec(http("token")
            .post(ISSUER + "/protocol/openid-connect/token")
            .formParam("grant_type", "password")
            .formParam("client_id", CLIENT)
            .formParam("username", USERNAME)
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

    private final ScenarioBuilder user = scenario("classify / attack / history")
            .exec(login)
            .during(DURATION).on(exec(classify).exec(attack).exec(history));

    {
        setUp(user.injectOpen(nothingFor(Duration.ofSeconds(1)), rampUsers(USERS).during(Duration.ofSeconds(5))))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L));
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
