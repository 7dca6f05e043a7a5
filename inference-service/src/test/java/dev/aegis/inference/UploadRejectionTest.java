package dev.aegis.inference;

import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;

import java.util.LinkedHashMap;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.aegis.inference.batch.BatchService;
import dev.aegis.inference.messaging.EventPublisher;
import dev.aegis.inference.model.ModelRegistry;
import dev.aegis.inference.model.ModelsProperties;
import dev.aegis.inference.prediction.PredictionService;
import dev.aegis.inference.upload.ImageValidator;
import dev.aegis.inference.upload.UploadStore;
import dev.aegis.support.problem.ProblemAutoConfiguration;
import dev.aegis.support.security.ResourceServerAutoConfiguration;
import dev.aegis.support.storage.ObjectStorage;
import dev.aegis.testsupport.TestFiles;

/**
 * Every malformed or hostile request is refused with problem+json and the right status before
 * anything reaches storage, the database or Kafka (the collaborators that would store are
 * Mockito beans here only to prove they are never touched; the real ones run in the *IT tests).
 */
@WebFluxTest(properties = {
        "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1/realms/aegis",
        "aegis.inference.max-batch-images=5",
        "aegis.inference.max-batch-size=2MB",
        "aegis.inference.max-file-size=1MB"})
@ActiveProfiles("api")
@ImportAutoConfiguration({ResourceServerAutoConfiguration.class, ProblemAutoConfiguration.class})
@Import(ImageValidator.class)
@EnableConfigurationProperties({InferenceProperties.class, ModelsProperties.class})
class UploadRejectionTest {

    WebTestClient client;

    @Autowired
    void bind(org.springframework.context.ApplicationContext context) {
        client = WebTestClient.bindToApplicationContext(context)
                .apply(org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity())
                .configureClient().build();
    }

    @MockitoBean
    PredictionService predictions;
    @MockitoBean
    BatchService batches;
    @MockitoBean
    ObjectStorage storage;
    @MockitoBean
    UploadStore uploads;
    @MockitoBean
    ModelRegistry registry;
    @MockitoBean
    EventPublisher publisher;

    @AfterEach
    void nothingWasStored() {
        verifyNoInteractions(predictions, batches, storage, uploads, registry, publisher);
    }

    private WebTestClient user() {
        return client.mutateWith(mockJwt().jwt(j -> j.subject("user-1")));
    }

    private static MultipartBodyBuilder files(Map<String, byte[]> files) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        files.forEach((name, bytes) -> body.part("file", new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        }).contentType(MediaType.IMAGE_JPEG));
        return body;
    }

    private WebTestClient.ResponseSpec predict(String name, byte[] bytes) {
        return user().post().uri("/api/predictions").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(files(Map.of(name, bytes)).build())).exchange();
    }

    private WebTestClient.ResponseSpec batch(Map<String, byte[]> parts) {
        return user().post().uri("/api/batches").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(files(parts).build())).exchange();
    }

    private static void problem(WebTestClient.ResponseSpec response, int status) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(status).jsonPath("$.detail").isNotEmpty();
    }

    @Test
    void emptyFileIs400() {
        problem(predict("empty.png", new byte[0]), 400);
    }

    @Test
    void textRenamedJpgIs415() {
        problem(predict("holiday.jpg", TestFiles.text()), 415);
    }

    @Test
    void truncatedPngIs422() {
        problem(predict("cut.png", TestFiles.truncated(TestFiles.png(64, 64, 7))), 422);
    }

    @Test
    void pngBombIsRefusedFromItsHeader() {
        predict("bomb.png", TestFiles.pngHeaderBomb(20_000, 20_000)).expectStatus().isEqualTo(413)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(d -> org.assertj.core.api.Assertions
                        .assertThat((String) d).contains("20000x20000"));
    }

    @Test
    void oversizedStreamedPartIs413() {
        problem(predict("big.png", new byte[1024 * 1024 + 10]), 413);
    }

    @Test
    void multipartWithoutBoundaryIs400() {
        problem(user().post().uri("/api/predictions").contentType(MediaType.MULTIPART_FORM_DATA)
                .bodyValue(new byte[16]).exchange(), 400);
    }

    @Test
    void missingFilePartIs400() {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("note", "no file here");
        problem(user().post().uri("/api/predictions").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange(), 400);
    }

    @Test
    void malformedJsonIs400() {
        problem(user().post().uri("/api/predictions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"imageId\": ").exchange(), 400);
    }

    @Test
    void jsonWithoutImageIdIs400() {
        problem(user().post().uri("/api/predictions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}").exchange(), 400);
    }

    @Test
    void jsonWithAPathAsImageIdIs400() {
        problem(user().post().uri("/api/predictions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"imageId\":\"../other-user/abc\"}").exchange(), 400);
    }

    @Test
    void invalidWaitIs400() {
        problem(user().get().uri("/api/predictions/abc?wait=soon").exchange(), 400);
    }

    @Test
    void withoutTokenIs401() {
        problem(client.get().uri("/api/predictions/abc").exchange(), 401);
    }

    @Test
    void nonAdminCannotListOrActivateModels() {
        problem(user().get().uri("/api/models/versions").exchange(), 403);
        problem(user().post().uri("/api/models/demo/1/activate").exchange(), 403);
    }

    @Test
    void zipWithPathTraversalIs422() {
        byte[] zip = TestFiles.zip(Map.of("../../etc/cron.d/evil.png", TestFiles.png(8, 8, 1)));
        batch(Map.of("images.zip", zip)).expectStatus().isEqualTo(422)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors['../../etc/cron.d/evil.png']").isNotEmpty();
    }

    @Test
    void zipWithNestedZipIs422() {
        byte[] inner = TestFiles.zip(Map.of("a.png", TestFiles.png(8, 8, 1)));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ok.png", TestFiles.png(8, 8, 2));
        entries.put("more.zip", inner);
        batch(Map.of("images.zip", TestFiles.zip(entries))).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors['more.zip']").isNotEmpty();
    }

    @Test
    void zipWithNonImagesNamesEachBadEntry() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ok.png", TestFiles.png(8, 8, 2));
        entries.put("notes.jpg", TestFiles.text());
        entries.put("cut.png", TestFiles.truncated(TestFiles.png(64, 64, 7)));
        batch(Map.of("images.zip", TestFiles.zip(entries))).expectStatus().isEqualTo(422)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors['notes.jpg']").isNotEmpty()
                .jsonPath("$.errors['cut.png']").isNotEmpty()
                .jsonPath("$.errors['ok.png']").doesNotExist();
    }

    @Test
    void zipBombStopsAtTheInflatedLimit() {
        // 8 MB of zeros deflate to a few KB; the limit (2 MB) is hit while inflating
        batch(Map.of("bomb.zip", TestFiles.zip(Map.of("zeros.png", new byte[8 * 1024 * 1024]))))
                .expectStatus().isEqualTo(413)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void tooManyImagesIs413() {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            parts.put("img" + i + ".png", TestFiles.png(8, 8, i));
        }
        problem(batch(parts), 413);
    }

    @Test
    void batchWithOneTextFileIs415AndNamesIt() {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("a.png", TestFiles.png(8, 8, 1));
        parts.put("b.jpg", TestFiles.text());
        batch(parts).expectStatus().isEqualTo(415)
                .expectBody().jsonPath("$.errors['b.jpg']").isNotEmpty();
    }

    @Test
    void batchWithoutFilesIs400() {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("note", "nothing");
        problem(user().post().uri("/api/batches").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build())).exchange(), 400);
    }

    @Test
    void unsupportedRequestTypeIs415() {
        problem(user().post().uri("/api/predictions").contentType(MediaType.TEXT_PLAIN)
                .bodyValue("hello").exchange(), 415);
    }

}
