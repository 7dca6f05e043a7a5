package dev.aegis.inference.batch;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.aegis.inference.InferenceProperties;
import dev.aegis.inference.prediction.PredictionView;
import dev.aegis.inference.upload.ImageValidator;
import dev.aegis.inference.upload.Parts;
import dev.aegis.inference.upload.RejectedUploadException;
import dev.aegis.inference.upload.ValidatedImage;
import dev.aegis.inference.upload.ZipEntries;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@RestController
@Profile("api")
@RequestMapping("/api/batches")
class BatchController {

    private final BatchService batches;
    private final ImageValidator validator;
    private final InferenceProperties properties;

    BatchController(BatchService batches, ImageValidator validator, InferenceProperties properties) {
        this.batches = batches;
        this.validator = validator;
        this.properties = properties;
    }

    record Accepted(String id, BatchStatus status, int total, URI location) {
    }

    /** Many image parts (any part name), or a single zip part. All or nothing: one bad file refuses the batch. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<Accepted>> submit(ServerWebExchange exchange, @AuthenticationPrincipal Jwt jwt) {
        long maxTotal = properties.maxBatchSize().toBytes();
        long maxFile = properties.maxFileSize().toBytes();
        int maxImages = properties.maxBatchImages();
        AtomicLong total = new AtomicLong();
        return exchange.getMultipartData()
                .flatMapMany(parts -> Flux.fromIterable(parts.values()).flatMapIterable(list -> list))
                .filter(FilePart.class::isInstance)
                .index()
                .concatMap(indexed -> {
                    if (indexed.getT1() >= maxImages) {
                        return Mono.error(RejectedUploadException.tooLarge(
                                "a batch holds at most " + maxImages + " images"));
                    }
                    Part part = indexed.getT2();
                    // one part may be a zip as large as the whole batch
                    return Parts.bytes(part, maxTotal).flatMap(bytes -> {
                        if (total.addAndGet(bytes.length) > maxTotal) {
                            return Mono.error(RejectedUploadException.tooLarge(
                                    "a batch may total at most " + maxTotal + " bytes"));
                        }
                        return Mono.just(new ZipEntries.Entry(Parts.name(part), bytes));
                    });
                })
                .collectList()
                .publishOn(Schedulers.parallel())
                .map(files -> {
                    if (files.isEmpty()) {
                        throw new RejectedUploadException(HttpStatus.BAD_REQUEST, "No files",
                                "send images as multipart file parts, or one zip archive");
                    }
                    if (files.size() == 1 && ImageValidator.isZip(files.get(0).bytes())) {
                        return new Named("zip", ZipEntries.read(files.get(0).bytes(), maxImages, maxFile, maxTotal));
                    }
                    return new Named("multipart", files);
                })
                .map(named -> new Validated(named.source(), validateAll(named.files())))
                .flatMap(v -> batches.submit(jwt.getSubject(), v.images(), v.source()))
                .map(batch -> {
                    URI location = URI.create("/api/batches/" + batch.id());
                    return ResponseEntity.accepted().location(location)
                            .body(new Accepted(batch.id(), batch.status(), batch.total(), location));
                });
    }

    private record Named(String source, List<ZipEntries.Entry> files) {
    }

    private record Validated(String source, List<ValidatedImage> images) {
    }

    private List<ValidatedImage> validateAll(List<ZipEntries.Entry> files) {
        List<ValidatedImage> images = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        HttpStatus status = null;
        for (ZipEntries.Entry file : files) {
            try {
                images.add(validator.validate(file.name(), file.bytes()));
            } catch (RejectedUploadException e) {
                String key = errors.containsKey(file.name()) ? file.name() + " #" + (errors.size() + 1) : file.name();
                errors.put(key, e.getMessage());
                status = status == null || status == e.status() ? e.status() : HttpStatus.UNPROCESSABLE_CONTENT;
            }
        }
        if (!errors.isEmpty()) {
            throw new RejectedUploadException(status, "Rejected files", errors.size() + " of " + files.size()
                    + " files cannot be classified; nothing of this batch was stored", errors);
        }
        return images;
    }

    @GetMapping("/{id}")
    Mono<BatchProgress> progress(@PathVariable String id, @AuthenticationPrincipal Jwt jwt) {
        return batches.progress(jwt.getSubject(), id);
    }

    @GetMapping(path = "/{id}/results", produces = MediaType.APPLICATION_JSON_VALUE)
    Flux<PredictionView> results(@PathVariable String id, @AuthenticationPrincipal Jwt jwt) {
        return batches.results(jwt.getSubject(), id).map(PredictionView::of);
    }

    @GetMapping(path = "/{id}/results", produces = "text/csv")
    Mono<ResponseEntity<String>> resultsCsv(@PathVariable String id, @AuthenticationPrincipal Jwt jwt) {
        return batches.results(jwt.getSubject(), id)
                .map(Csv::row)
                .reduce(new StringBuilder(Csv.header()), StringBuilder::append)
                .map(csv -> ResponseEntity.ok()
                        .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                        .header("Content-Disposition", "attachment; filename=\"batch-" + id + ".csv\"")
                        .body(csv.toString()));
    }

    @DeleteMapping("/{id}")
    Mono<BatchProgress> cancel(@PathVariable String id, @AuthenticationPrincipal Jwt jwt) {
        return batches.cancel(jwt.getSubject(), id);
    }
}
