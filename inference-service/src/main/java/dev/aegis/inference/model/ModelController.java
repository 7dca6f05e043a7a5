package dev.aegis.inference.model;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventTypes;
import dev.aegis.events.ModelActivated;
import dev.aegis.events.ModelRef;
import dev.aegis.events.Topics;
import dev.aegis.inference.messaging.EventPublisher;
import dev.aegis.inference.upload.Parts;
import dev.aegis.inference.upload.RejectedUploadException;
import dev.aegis.inference.upload.ZipEntries;
import dev.aegis.inference.web.Roles;
import dev.aegis.model.InvalidModelException;
import dev.aegis.model.ModelCard;
import dev.aegis.support.problem.NotFoundException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@RestController
@Profile("api")
@RequestMapping("/api/models")
class ModelController {

    private final ModelRegistry registry;
    private final EventPublisher publisher;
    private final ModelsProperties properties;

    ModelController(ModelRegistry registry, EventPublisher publisher, ModelsProperties properties) {
        this.registry = registry;
        this.publisher = publisher;
        this.properties = properties;
    }

    record Version(String name, String version, boolean active) {
    }

    /** The active model's card. */
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<String>> active() {
        return registry.active()
                .flatMap(registry::card)
                .switchIfEmpty(Mono.error(() -> new NotFoundException("active model", "active")))
                .map(card -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(card));
    }

    @GetMapping("/versions")
    Mono<List<Version>> versions(@AuthenticationPrincipal Jwt jwt) {
        Roles.requireAdmin(jwt);
        return registry.active().map(ModelRef::toString).defaultIfEmpty("")
                .flatMap(active -> registry.versions().map(refs -> refs.stream()
                        .map(r -> new Version(r.name(), r.version(), r.toString().equals(active)))
                        .toList()));
    }

    /** A zip holding one SavedModel folder with its {@code model-card.json}; name and version come from the card. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<Version>> upload(@RequestPart("file") FilePart file, @AuthenticationPrincipal Jwt jwt) {
        Roles.requireAdmin(jwt);
        long max = properties.maxUploadSize().toBytes();
        return Parts.bytes(file, max)
                .publishOn(Schedulers.boundedElastic())
                .map(bytes -> unpack(bytes, max))
                .flatMap(model -> registry.exists(model.ref()).flatMap(exists -> {
                    if (exists) {
                        return Mono.error(new ResponseStatusException(HttpStatus.CONFLICT,
                                "model " + model.ref().name() + " version " + model.ref().version()
                                        + " already exists; versions are immutable"));
                    }
                    return registry.upload(model.ref(), model.files());
                }).thenReturn(model.ref()))
                .map(ref -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(java.net.URI.create("/api/models/" + ref.name() + "/" + ref.version()))
                        .body(new Version(ref.name(), ref.version(), false)));
    }

    private record Unpacked(ModelRef ref, Map<String, byte[]> files) {
    }

    private static Unpacked unpack(byte[] zip, long max) {
        List<ZipEntries.Entry> entries = ZipEntries.read(zip, 10_000, max, max);
        String root = null;
        for (ZipEntries.Entry e : entries) {
            String name = e.name().replace('\\', '/');
            if (name.equals(ModelRegistry.CARD) || name.endsWith("/" + ModelRegistry.CARD)) {
                String candidate = name.substring(0, name.length() - ModelRegistry.CARD.length());
                if (root == null || candidate.length() < root.length()) {
                    root = candidate;
                }
            }
        }
        if (root == null) {
            throw invalid("the archive has no " + ModelRegistry.CARD);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (ZipEntries.Entry e : entries) {
            String name = e.name().replace('\\', '/');
            if (name.startsWith(root)) {
                files.put(name.substring(root.length()), e.bytes());
            }
        }
        if (!files.containsKey("saved_model.pb")) {
            throw invalid("the archive has no saved_model.pb next to " + ModelRegistry.CARD);
        }
        ModelCard card;
        try {
            card = ModelCard.fromJson(new String(files.get(ModelRegistry.CARD), StandardCharsets.UTF_8));
        } catch (InvalidModelException e) {
            throw invalid(e.getMessage());
        }
        ModelRef ref = ModelRegistry.parse(card.name(), card.version())
                .orElseThrow(() -> invalid("model name and version may only use letters, digits, '.', '_' and '-'"));
        return new Unpacked(ref, files);
    }

    private static RejectedUploadException invalid(String detail) {
        return new RejectedUploadException(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid model", detail);
    }

    @PostMapping("/{name}/{version}/activate")
    Mono<Version> activate(@PathVariable String name, @PathVariable String version, @AuthenticationPrincipal Jwt jwt) {
        Roles.requireAdmin(jwt);
        ModelRef ref = ModelRegistry.parse(name, version)
                .orElseThrow(() -> new NotFoundException("model", name + "/" + version));
        return registry.exists(ref)
                .flatMap(exists -> exists ? Mono.just(ref)
                        : Mono.<ModelRef>error(new NotFoundException("model", name + "/" + version)))
                .flatMap(r -> registry.setActive(r)
                        .then(publisher.publish(Topics.MODEL_EVENTS, r.name(), CloudEvent.of(EventPublisher.SOURCE,
                                EventTypes.MODEL_ACTIVATED, r.name() + "/" + r.version(), jwt.getSubject(),
                                java.util.UUID.randomUUID().toString(), new ModelActivated(r, jwt.getSubject())))))
                .thenReturn(new Version(name, version, true));
    }
}
