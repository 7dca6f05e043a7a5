package dev.aegis.adversarial.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.aegis.adversarial.AdversarialProperties;
import dev.aegis.adversarial.image.ImageSniffer;
import dev.aegis.adversarial.image.UserImages;
import dev.aegis.adversarial.messaging.EventPublisher;
import dev.aegis.adversarial.model.ActiveModelCatalog;
import dev.aegis.adversarial.robustness.ReportStore;
import dev.aegis.adversarial.robustness.RobustnessService;
import dev.aegis.events.AttackParameters;
import dev.aegis.events.AttackRequested;
import dev.aegis.events.CloudEvent;
import dev.aegis.events.ModelRef;
import dev.aegis.events.Topics;
import dev.aegis.support.ids.IdAutoConfiguration;
import dev.aegis.support.problem.ProblemAutoConfiguration;
import dev.aegis.support.security.ResourceServerAutoConfiguration;
import dev.aegis.support.storage.ObjectStorage;
import dev.aegis.support.storage.StoredObject;
import reactor.core.publisher.Mono;

/**
 * The attack API's validation, ownership and download behaviour on the real web layer and
 * security chain; stores, storage and Kafka are replaced by mocks here (the *IT tests use the
 * real servers).
 */
@WebFluxTest(controllers = AttackController.class)
@ImportAutoConfiguration({ResourceServerAutoConfiguration.class, ProblemAutoConfiguration.class, IdAutoConfiguration.class})
@Import({AttackService.class, UserImages.class, ImageSniffer.class, JsonFields.class, RobustnessService.class})
@EnableConfigurationProperties(AdversarialProperties.class)
@TestPropertySource(properties = "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1/realms/aegis")
class AttackControllerTest {

    private static final String ALICE = "alice-id";
    private static final String IMAGE = "a".repeat(64);

    @Autowired
    WebTestClient web;
    @MockitoBean
    AttackStore store;
    @MockitoBean
    ObjectStorage storage;
    @MockitoBean
    EventPublisher publisher;
    @MockitoBean
    ActiveModelCatalog catalog;
    @MockitoBean
    ReportStore reports;

    @BeforeEach
    void setUp() {
        // the first request of a loaded machine warms up codecs and security: more than the default 5 s
        web = web.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build();
        when(catalog.active()).thenReturn(Mono.just(new ActiveModelCatalog.ActiveModel(new ModelRef("demo", "1"),
                List.of("Bike", "Car", "Ship"))));
        when(storage.exists(anyString())).thenReturn(Mono.just(false));
        when(storage.exists(UserImages.key(ALICE, IMAGE))).thenReturn(Mono.just(true));
        when(store.insert(any())).thenAnswer(inv -> Mono.just(inv.getArgument(0)));
        when(store.find(anyString(), anyString())).thenReturn(Mono.empty());
        when(publisher.publish(anyString(), any())).thenReturn(Mono.empty());
        when(storage.put(anyString(), any(), anyString(), anyMap())).thenReturn(Mono.empty());
    }

    private WebTestClient alice() {
        return web.mutateWith(mockJwt().jwt(j -> j.subject(ALICE)));
    }

    private WebTestClient.ResponseSpec postJson(String json) {
        return alice().post().uri("/api/attacks").contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    @Test
    void acceptsAValidAttackOnOwnImageAndPublishesIt() {
        postJson("{\"imageId\":\"" + IMAGE + "\",\"method\":\"pgd\",\"epsilon\":0.03,\"steps\":7,\"targetLabel\":\"Car\"}")
                .expectStatus().isAccepted()
                .expectHeader().value(HttpHeaders.LOCATION, loc -> assertThat(loc).startsWith("/api/attacks/"))
                .expectBody().jsonPath("$.status").isEqualTo("PENDING");

        @SuppressWarnings({"unchecked", "rawtypes"})
        ArgumentCaptor<CloudEvent<AttackRequested>> event = (ArgumentCaptor) ArgumentCaptor.forClass(CloudEvent.class);
        verify(publisher).publish(eq(Topics.ATTACK_REQUESTS), event.capture());
        AttackRequested request = event.getValue().data();
        assertThat(event.getValue().userid()).isEqualTo(ALICE);
        assertThat(request.imageKey()).isEqualTo("uploads/" + ALICE + "/" + IMAGE);
        AttackParameters p = request.parameters();
        assertThat(p.method()).isEqualTo("PGD");
        assertThat(p.steps()).isEqualTo(7);
        assertThat(p.randomStart()).isTrue();
        assertThat(p.stepSize()).isEqualTo(2.5 * 0.03 / 7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(p.targetLabel()).isEqualTo("Car");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"epsilon\":-0.1|422|epsilon",
            "\"epsilon\":1.5|422|epsilon",
            "\"epsilon\":NaN|422|epsilon",
            "\"epsilon\":\"abc\"|400|epsilon",
            "\"epsilon\":\"0.1\"|400|epsilon",
            "\"epsilon\":0.1,\"steps\":0|422|steps",
            "\"epsilon\":0.1,\"steps\":1000000|422|steps",
            "\"epsilon\":0.1,\"steps\":2.5|400|steps",
            "\"epsilon\":0.1,\"stepSize\":0|422|stepSize",
            "\"epsilon\":0.1,\"targetLabel\":\"Plane\"|422|targetLabel",
            "\"epsilon\":0.1,\"randomStart\":\"maybe\"|400|randomStart"})
    void refusesBadValuesWithAFieldMessage(String fields, int status, String field) {
        postJson("{\"imageId\":\"" + IMAGE + "\",\"method\":\"PGD\"," + fields + "}")
                .expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.errors." + field).isNotEmpty();
        verify(publisher, never()).publish(anyString(), any());
        verify(store, never()).insert(any());
    }

    @Test
    void refusesAnUnknownMethod() {
        postJson("{\"imageId\":\"" + IMAGE + "\",\"method\":\"CW\",\"epsilon\":0.1}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors.method").value(m -> assertThat((String) m).contains("FGSM, BIM, PGD"));
    }

    @Test
    void refusesMalformedJsonAsProblem() {
        postJson("{\"imageId\":").expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors.body").isNotEmpty();
    }

    @Test
    void anotherUsersImageIdIsNotFound() {
        // the same id exists for alice; bob asks for it under his own prefix and finds nothing
        web.mutateWith(mockJwt().jwt(j -> j.subject("bob-id"))).post().uri("/api/attacks")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"imageId\":\"" + IMAGE + "\",\"method\":\"FGSM\",\"epsilon\":0.1}")
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verify(publisher, never()).publish(anyString(), any());
    }

    @Test
    void pathCharactersInImageIdsAreRefused() {
        postJson("{\"imageId\":\"../bob-id/" + IMAGE + "\",\"method\":\"FGSM\",\"epsilon\":0.1}")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors.imageId").isNotEmpty();
    }

    @Test
    void multipartUploadIsStoredUnderTheUsersPrefixByContentHash() throws Exception {
        byte[] png = png();
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("image", new ByteArrayResource(png) {
            @Override
            public String getFilename() {
                return "bike.png";
            }
        }).contentType(MediaType.IMAGE_PNG);
        body.part("method", "FGSM");
        body.part("epsilon", "0.05");
        String id = UserImages.idOf(png);
        when(storage.exists(UserImages.key(ALICE, id))).thenReturn(Mono.just(false), Mono.just(true));

        alice().post().uri("/api/attacks").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange()
                .expectStatus().isAccepted();
        verify(storage).put(eq("uploads/" + ALICE + "/" + id), eq(png), eq("image/png"), anyMap());
    }

    @ParameterizedTest
    @CsvSource({"NaN", "-1", "abc", "2"})
    void multipartEpsilonIsValidatedBeforeTheImageIsStored(String epsilon) throws Exception {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("image", new ByteArrayResource(png()) {
            @Override
            public String getFilename() {
                return "bike.png";
            }
        }).contentType(MediaType.IMAGE_PNG);
        body.part("method", "FGSM");
        body.part("epsilon", epsilon);
        alice().post().uri("/api/attacks").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange()
                .expectStatus().value(s -> assertThat(s).isIn(400, 422))
                .expectBody().jsonPath("$.errors.epsilon").isNotEmpty();
        verify(storage, never()).put(anyString(), any(), anyString(), anyMap());
    }

    @Test
    void notAnImageIsRefused() {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("image", new ByteArrayResource("hello, not an image".getBytes()) {
            @Override
            public String getFilename() {
                return "x.png";
            }
        }).contentType(MediaType.IMAGE_PNG);
        body.part("method", "FGSM");
        body.part("epsilon", "0.1");
        alice().post().uri("/api/attacks").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange()
                .expectStatus().isEqualTo(415)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void anotherUsersAttackIsNotFoundForEveryEndpoint() {
        String id = "7f7b3c2e-0000-4000-8000-000000000001";
        for (String path : List.of("", "/image", "/perturbation")) {
            web.mutateWith(mockJwt().jwt(j -> j.subject("bob-id"))).get().uri("/api/attacks/" + id + path)
                    .exchange().expectStatus().isNotFound()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    @Test
    void downloadAnswersTheStoredBytesAsAttachment() {
        String id = "7f7b3c2e-0000-4000-8000-000000000002";
        AttackRecord done = new AttackRecord(id, ALICE, IMAGE, "uploads/" + ALICE + "/" + IMAGE,
                new AttackParameters("FGSM", 0.05, null, null, null, null), null, null, id,
                AttackRecord.Status.DONE, null, null, null, null, null, true, 0.05, 1.0, null, null, null,
                "adversarial/" + ALICE + "/" + id + ".png", "adversarial/" + ALICE + "/" + id + "-perturbation.png",
                null);
        byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        when(store.find(ALICE, id)).thenReturn(Mono.just(done));
        when(storage.get(done.adversarialKey()))
                .thenReturn(Mono.just(new StoredObject(done.adversarialKey(), bytes, "image/png", Map.of())));
        alice().get().uri("/api/attacks/" + id + "/image").exchange()
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.IMAGE_PNG)
                .expectHeader().value(HttpHeaders.CONTENT_DISPOSITION, cd -> assertThat(cd)
                        .contains("attachment").contains("adversarial-fgsm-eps0.05-" + id + ".png"))
                .expectBody(byte[].class).isEqualTo(bytes);
    }

    @Test
    void presetsAreTheSeedsMenu() {
        alice().get().uri("/api/attacks/presets").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.length()").isEqualTo(6)
                .jsonPath("$[0].epsilon").isEqualTo(0.1)
                .jsonPath("$[5].seedSubmitted").isEqualTo(0.9);
    }

    @Test
    void anonymousCallersGet401() {
        web.get().uri("/api/attacks/presets").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void badWaitIsRefused() {
        alice().get().uri("/api/attacks/x?wait=soon").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors.wait").isNotEmpty();
    }

    static byte[] png() throws Exception {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
