package dev.aegis.adversarial.robustness;

import java.net.URI;
import java.time.Duration;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.aegis.adversarial.attack.JsonFields;
import dev.aegis.adversarial.attack.WaitParameter;
import dev.aegis.support.security.CurrentUser;
import reactor.core.publisher.Mono;

/**
 * Robustness reports. {@code POST} starts one (202 + Location) and, with {@code ?wait=}, answers
 * the finished report directly when it completes in time. Reports are JSON, or a PNG chart with
 * {@code Accept: image/png}.
 */
@RestController
@Profile("api")
@RequestMapping("/api/robustness")
class RobustnessController {

    private static final int CHART_WIDTH = 800;
    private static final int CHART_HEIGHT = 500;

    private final RobustnessService robustness;
    private final CurrentUser currentUser;
    private final JsonFields json;

    RobustnessController(RobustnessService robustness, CurrentUser currentUser, JsonFields json) {
        this.robustness = robustness;
        this.currentUser = currentUser;
        this.json = json;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<RobustnessReport>> create(@RequestBody String body,
                                                  @RequestParam(name = "wait", required = false) String wait,
                                                  @RequestHeader(name = "X-Correlation-Id", required = false) String correlation) {
        return start(body, wait, correlation).map(r -> respond(r, r));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.IMAGE_PNG_VALUE)
    Mono<ResponseEntity<byte[]>> createChart(@RequestBody String body,
                                             @RequestParam(name = "wait", required = false) String wait,
                                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlation) {
        return start(body, wait, correlation)
                .map(r -> respond(r, RobustnessChart.png(r, CHART_WIDTH, CHART_HEIGHT)));
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<RobustnessReport> get(@PathVariable String id, @RequestParam(name = "wait", required = false) String wait) {
        return currentUser.id().flatMap(userId -> robustness.await(userId, id, WaitParameter.parse(wait)));
    }

    @GetMapping(value = "/{id}", produces = MediaType.IMAGE_PNG_VALUE)
    Mono<byte[]> chart(@PathVariable String id, @RequestParam(name = "wait", required = false) String wait) {
        return get(id, wait).map(r -> RobustnessChart.png(r, CHART_WIDTH, CHART_HEIGHT));
    }

    private Mono<RobustnessReport> start(String body, String wait, String correlation) {
        Duration duration = WaitParameter.parse(wait);
        return currentUser.id().flatMap(userId -> Mono.fromCallable(() -> json.fields(body))
                .flatMap(fields -> robustness.create(userId, fields, correlation))
                .flatMap(report -> robustness.await(userId, report.id(), duration)));
    }

    private static <T> ResponseEntity<T> respond(RobustnessReport report, T body) {
        HttpStatus status = report.status() == RobustnessReport.Status.DONE ? HttpStatus.OK : HttpStatus.ACCEPTED;
        return ResponseEntity.status(status).location(URI.create("/api/robustness/" + report.id())).body(body);
    }
}
