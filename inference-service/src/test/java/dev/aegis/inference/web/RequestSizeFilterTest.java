package dev.aegis.inference.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;

import dev.aegis.inference.InferenceProperties;
import dev.aegis.inference.model.ModelsProperties;
import reactor.core.publisher.Mono;

class RequestSizeFilterTest {

    private final RequestSizeFilter filter = new RequestSizeFilter(
            new InferenceProperties(DataSize.ofMegabytes(10), null, null, DataSize.ofMegabytes(100), null, null, null,
                    null, null, null),
            new ModelsProperties(null, null, null, DataSize.ofMegabytes(300)));

    @Test
    void declaredOversizedPredictionIsRefusedWithoutReadingTheBody() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/predictions")
                .contentType(MediaType.MULTIPART_FORM_DATA).contentLength(50L * 1024 * 1024).build());
        AtomicBoolean passed = new AtomicBoolean();
        filter.filter(exchange, e -> Mono.fromRunnable(() -> passed.set(true))).block();
        assertThat(passed).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"status\":413");
    }

    @Test
    void aBatchMayBeLargerThanOnePrediction() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/batches")
                .contentLength(50L * 1024 * 1024).build());
        AtomicBoolean passed = new AtomicBoolean();
        filter.filter(exchange, e -> Mono.fromRunnable(() -> passed.set(true))).block();
        assertThat(passed).isTrue();
    }
}
