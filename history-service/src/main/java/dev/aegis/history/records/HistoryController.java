package dev.aegis.history.records;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.aegis.support.problem.NotFoundException;
import dev.aegis.support.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The caller's own history. Every operation starts from the JWT {@code sub}; another user's
 * record is indistinguishable from a missing one (404).
 */
@RestController
@RequestMapping("/api/history")
class HistoryController {

    private static final Logger log = LoggerFactory.getLogger(HistoryController.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final HistoryStore store;
    private final LiveUpdates live;
    private final ErasurePublisher erasure;
    private final CurrentUser currentUser;

    HistoryController(HistoryStore store, LiveUpdates live, ErasurePublisher erasure, CurrentUser currentUser) {
        this.store = store;
        this.live = live;
        this.erasure = erasure;
        this.currentUser = currentUser;
    }

    @Operation(summary = "A page of my records, newest first; follow nextCursor for the next page")
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<HistoryPage> list(
            @Parameter(description = "PREDICTION, ATTACK or BATCH_ITEM") @RequestParam(required = false) String kind,
            @RequestParam(required = false) String label,
            @RequestParam(required = false) String modelVersion,
            @Parameter(description = "ISO date or instant, inclusive") @RequestParam(required = false) String from,
            @Parameter(description = "ISO date (whole day included) or instant (exclusive)") @RequestParam(required = false) String to,
            @RequestParam(required = false) String batchId,
            @Parameter(description = "only records the adversarial detector flagged (true) or did not (false)")
            @RequestParam(required = false) String flagged,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(description = "1 to 100, default 20") @RequestParam(required = false) String size,
            @Parameter(description = "desc (default) or asc, by creation time") @RequestParam(required = false) String sort,
            ServerHttpRequest request) {
        HistoryQuery query = HistoryQuery.page(parameters(request, HistoryQuery.LIST_PARAMETERS));
        return currentUser.id().flatMap(user -> store.find(user, query, query.size() + 1).collectList()
                .map(found -> {
                    boolean more = found.size() > query.size();
                    List<HistoryRecord> page = more ? found.subList(0, query.size()) : found;
                    String next = more ? Cursor.after(page.get(page.size() - 1)).encode() : null;
                    return new HistoryPage(page.stream().map(HistoryItem::from).toList(), page.size(), next);
                }));
    }

    @Operation(summary = "Counts of my records per label and per UTC day, with the same filters as the list")
    @GetMapping(path = "/stats", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<HistoryStats> stats(
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) String label,
            @RequestParam(required = false) String modelVersion,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String batchId,
            @RequestParam(required = false) String flagged,
            ServerHttpRequest request) {
        HistoryQuery query = HistoryQuery.filters(parameters(request, HistoryQuery.STATS_PARAMETERS));
        return currentUser.id().flatMap(user -> store.stats(user, query));
    }

    @Operation(summary = "Server-sent events: each of my new records as it is stored (event 'record')")
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<HistoryItem>> stream() {
        return currentUser.id().flatMapMany(user -> Flux.merge(
                        live.of(user).map(r -> ServerSentEvent.builder(HistoryItem.from(r))
                                .id(r.id()).event("record").build()),
                        // comments keep proxies from closing an idle stream
                        Flux.interval(KEEP_ALIVE).map(i -> ServerSentEvent.<HistoryItem>builder().comment("keep-alive").build()))
                // tells the client the subscription is live: records stored from now on will arrive
                .startWith(ServerSentEvent.<HistoryItem>builder().comment("subscribed").build()));
    }

    @Operation(summary = "One of my records")
    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<HistoryItem> get(@PathVariable String id) {
        return currentUser.id()
                .flatMap(user -> store.findOne(user, id))
                .map(HistoryItem::from)
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    @Operation(summary = "Delete one of my records")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> delete(@PathVariable String id) {
        return currentUser.id()
                .flatMap(user -> store.deleteOne(user, id))
                .flatMap(deleted -> deleted ? Mono.<Void>empty() : Mono.error(notFound(id)));
    }

    /**
     * The erasure event is published (and acknowledged by Kafka) before the records are deleted:
     * if anything fails midway the client gets an error and can repeat, both steps are idempotent.
     */
    @Operation(summary = "Erase all my data: my records now, my stored images through the erasure event")
    @DeleteMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<ErasureResponse> eraseAll(@RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        String correlation = correlationId == null || correlationId.isBlank() ? UUID.randomUUID().toString() : correlationId;
        return currentUser.id().flatMap(user -> erasure.publish(user, correlation)
                .flatMap(event -> store.eraseUser(user, Instant.now())
                        .map(deleted -> new ErasureResponse(deleted, event.id()))));
    }

    @ExceptionHandler(InvalidQueryException.class)
    ResponseEntity<ProblemDetail> invalidQuery(InvalidQueryException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                String.join("; ", e.errors().entrySet().stream().map(x -> x.getKey() + " " + x.getValue()).toList()));
        problem.setTitle("Invalid query parameters");
        problem.setProperty("errors", e.errors());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler(ServiceUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ServiceUnavailableException e) {
        log.warn("{}: {}", e.getMessage(), String.valueOf(e.getCause()));
        return unavailable(e.getMessage());
    }

    @ExceptionHandler(DataAccessResourceFailureException.class)
    ResponseEntity<ProblemDetail> databaseDown(DataAccessResourceFailureException e) {
        log.warn("MongoDB unavailable: {}", e.getMessage());
        return unavailable("the history database is temporarily unavailable; retry later");
    }

    private static ResponseEntity<ProblemDetail> unavailable(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setTitle("Service unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header("Retry-After", "5").body(problem);
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("history record", id);
    }

    /** Single values of the known parameters; unknown or repeated parameters are errors. */
    private static Map<String, String> parameters(ServerHttpRequest request, Set<String> known) {
        MultiValueMap<String, String> raw = request.getQueryParams();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        raw.forEach((name, list) -> {
            if (!known.contains(name)) {
                errors.put(name, "is not a known parameter; known: " + String.join(", ", new TreeSet<>(known)));
            } else if (list.size() > 1) {
                errors.put(name, "must be given once");
            } else {
                values.put(name, list.get(0) == null ? "" : list.get(0));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidQueryException(errors);
        }
        return values;
    }

}
