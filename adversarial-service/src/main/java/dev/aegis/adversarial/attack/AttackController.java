package dev.aegis.adversarial.attack;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Profile;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.aegis.adversarial.AdversarialProperties;
import dev.aegis.adversarial.attack.AttackInputValidator.RawInput;
import dev.aegis.events.AttackParameters;
import dev.aegis.support.security.CurrentUser;
import reactor.core.publisher.Mono;

/** Attack endpoints. Every read is scoped to the caller: another user's attack answers 404. */
@RestController
@Profile("api")
@RequestMapping("/api/attacks")
class AttackController {

    private static final String CORRELATION = "X-Correlation-Id";

    private final AttackService attacks;
    private final CurrentUser currentUser;
    private final JsonFields json;
    private final AdversarialProperties properties;

    AttackController(AttackService attacks, CurrentUser currentUser, JsonFields json, AdversarialProperties properties) {
        this.attacks = attacks;
        this.currentUser = currentUser;
        this.json = json;
        this.properties = properties;
    }

    /** What {@code POST /api/attacks} answers: the id to poll. */
    record Accepted(String id, AttackRecord.Status status, String location) {
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Accepted>> createFromJson(@RequestBody String body,
                                                  @RequestHeader(name = CORRELATION, required = false) String correlation) {
        return currentUser.id().flatMap(userId -> Mono.fromCallable(() -> json.fields(body))
                .flatMap(fields -> {
                    RawInput input = new RawInput(fields, false);
                    String imageId = AttackInputValidator.imageId(fields.get("imageId"));
                    return attacks.validate(input)
                            .flatMap(params -> attacks.imageKey(userId, imageId)
                                    .flatMap(key -> attacks.submit(userId, imageId, key, params, null, null, correlation)));
                }))
                .map(AttackController::accepted);
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<Accepted>> createFromUpload(ServerWebExchange exchange,
                                                    @RequestHeader(name = CORRELATION, required = false) String correlation) {
        return currentUser.id().flatMap(userId -> exchange.getMultipartData().flatMap(parts -> {
            Map<String, Object> fields = new HashMap<>();
            parts.forEach((name, values) -> {
                if (!values.isEmpty() && values.get(0) instanceof FormFieldPart field) {
                    fields.put(name, field.value());
                }
            });
            Part file = parts.getFirst("image") != null ? parts.getFirst("image") : parts.getFirst("file");
            RawInput input = new RawInput(fields, true);
            // validate the cheap fields before reading or storing any image bytes
            return attacks.validate(input).flatMap(params -> {
                if (file instanceof FilePart upload) {
                    return bytes(upload).flatMap(bytes -> attacks.upload(userId, bytes))
                            .flatMap(imageId -> submit(userId, imageId, params, correlation));
                }
                String imageId = AttackInputValidator.imageId(fields.get("imageId"));
                return submit(userId, imageId, params, correlation);
            });
        })).map(AttackController::accepted);
    }

    private Mono<AttackRecord> submit(String userId, String imageId, AttackParameters params, String correlation) {
        return attacks.imageKey(userId, imageId)
                .flatMap(key -> attacks.submit(userId, imageId, key, params, null, null, correlation));
    }

    private Mono<byte[]> bytes(FilePart part) {
        int limit = (int) Math.min(Integer.MAX_VALUE, properties.maxUploadBytes());
        return DataBufferUtils.join(part.content(), limit)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .onErrorMap(DataBufferLimitException.class, e -> new UploadTooLargeException(properties.maxUploadBytes()));
    }

    private static ResponseEntity<Accepted> accepted(AttackRecord record) {
        URI location = URI.create("/api/attacks/" + record.id());
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(location)
                .body(new Accepted(record.id(), record.status(), location.toString()));
    }

    /** The epsilon menu of the seed application, for the portal. */
    @GetMapping("/presets")
    List<Presets.Preset> presets() {
        return attacks.presets();
    }

    @GetMapping("/{id}")
    Mono<AttackView> get(@PathVariable String id, @RequestParam(name = "wait", required = false) String wait) {
        Duration duration = WaitParameter.parse(wait);
        return currentUser.id().flatMap(userId -> attacks.await(userId, id, duration)).map(AttackView::of);
    }

    @GetMapping("/{id}/image")
    Mono<ResponseEntity<byte[]>> image(@PathVariable String id) {
        return download(id, false);
    }

    @GetMapping("/{id}/perturbation")
    Mono<ResponseEntity<byte[]>> perturbation(@PathVariable String id) {
        return download(id, true);
    }

    private Mono<ResponseEntity<byte[]>> download(String id, boolean perturbation) {
        return currentUser.id().flatMap(userId -> attacks.get(userId, id)
                .flatMap(record -> attacks.download(userId, id, perturbation)
                        .map(object -> ResponseEntity.ok()
                                .contentType(MediaType.IMAGE_PNG)
                                .contentLength(object.bytes().length)
                                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                                        .filename(fileName(record, perturbation)).build().toString())
                                .header(HttpHeaders.CACHE_CONTROL, "private, no-store")
                                .body(object.bytes()))));
    }

    /** e.g. {@code adversarial-fgsm-eps0.05-<id>.png}: what and how strong, readable in a downloads folder. */
    static String fileName(AttackRecord record, boolean perturbation) {
        AttackParameters p = record.parameters();
        String eps = BigDecimal.valueOf(p.epsilon()).stripTrailingZeros().toPlainString();
        String target = p.targetLabel() == null ? "" : "-to-" + p.targetLabel().replaceAll("[^A-Za-z0-9_-]", "_");
        return (perturbation ? "perturbation-" : "adversarial-") + p.method().toLowerCase() + "-eps" + eps + target
                + "-" + record.id() + ".png";
    }
}
