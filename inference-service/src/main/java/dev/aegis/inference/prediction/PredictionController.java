package dev.aegis.inference.prediction;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.aegis.inference.InferenceProperties;
import dev.aegis.inference.upload.ImageValidator;
import dev.aegis.inference.upload.Parts;
import dev.aegis.inference.upload.UploadStore;
import dev.aegis.support.problem.NotFoundException;
import dev.aegis.support.storage.ObjectStorage;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@RestController
@Profile("api")
@RequestMapping("/api/predictions")
class PredictionController {

    private final PredictionService predictions;
    private final ImageValidator validator;
    private final ObjectStorage storage;
    private final InferenceProperties properties;

    PredictionController(PredictionService predictions, ImageValidator validator, ObjectStorage storage,
                         InferenceProperties properties) {
        this.predictions = predictions;
        this.validator = validator;
        this.storage = storage;
        this.properties = properties;
    }

    /** 202 + Location: the image is stored and queued; the result comes later. */
    record Accepted(String id, PredictionStatus status, String imageId, URI location) {
    }

    /** Predict again an image this user uploaded before. */
    record Resubmit(@NotBlank @Pattern(regexp = "[0-9a-f]{64}", message = "must be an image id (64 hex digits)")
                    String imageId) {
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<Accepted>> submit(@RequestPart("file") FilePart file, @AuthenticationPrincipal Jwt jwt) {
        return Parts.bytes(file, properties.maxFileSize().toBytes())
                // decoding is CPU work: keep it off the event loop
                .publishOn(Schedulers.parallel())
                .map(bytes -> validator.validate(Parts.name(file), bytes))
                .flatMap(image -> predictions.submit(jwt.getSubject(), image))
                .map(PredictionController::accepted);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Accepted>> resubmit(@Valid @RequestBody Resubmit body, @AuthenticationPrincipal Jwt jwt) {
        String userId = jwt.getSubject();
        return storage.get(UploadStore.key(userId, body.imageId()))
                .switchIfEmpty(Mono.error(() -> new NotFoundException("image", body.imageId())))
                .flatMap(object -> predictions.resubmit(userId, body.imageId(), object.contentType(), null,
                        object.bytes()))
                .map(PredictionController::accepted);
    }

    @GetMapping("/{id}")
    Mono<PredictionView> get(@PathVariable String id, @RequestParam(required = false) String wait,
                             @AuthenticationPrincipal Jwt jwt) {
        Duration timeout = parseWait(wait);
        return predictions.await(jwt.getSubject(), id, timeout).map(PredictionView::of);
    }

    private Duration parseWait(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        try {
            Duration d = Duration.parse(wait);
            if (d.isNegative()) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "wait must not be negative");
            }
            return d.compareTo(properties.maxWait()) > 0 ? properties.maxWait() : d;
        } catch (DateTimeParseException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "wait must be an ISO-8601 duration such as PT5S");
        }
    }

    private static ResponseEntity<Accepted> accepted(PredictionDocument d) {
        URI location = URI.create("/api/predictions/" + d.id());
        return ResponseEntity.accepted().location(location)
                .body(new Accepted(d.id(), d.status(), d.imageId(), location));
    }
}
