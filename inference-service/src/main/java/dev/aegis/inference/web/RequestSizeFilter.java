package dev.aegis.inference.web;

import java.nio.charset.StandardCharsets;

import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.aegis.inference.InferenceProperties;
import dev.aegis.inference.model.ModelsProperties;
import reactor.core.publisher.Mono;

/**
 * Refuses an upload whose declared length is over the endpoint's limit before reading a byte of
 * it. Chunked bodies without a length are still capped while they are read (see {@code Parts}).
 */
@Component
@Profile("api")
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestSizeFilter implements WebFilter {

    // multipart framing (boundaries, part headers) on top of the payload itself
    private static final long ENVELOPE = 64 * 1024;

    private final long maxPrediction;
    private final long maxBatch;
    private final long maxModel;

    RequestSizeFilter(InferenceProperties properties, ModelsProperties models) {
        this.maxPrediction = properties.maxFileSize().toBytes() + ENVELOPE;
        this.maxBatch = properties.maxBatchSize().toBytes() + ENVELOPE;
        this.maxModel = models.maxUploadSize().toBytes() + ENVELOPE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        long length = request.getHeaders().getContentLength();
        if (request.getMethod() != HttpMethod.POST || length < 0) {
            return chain.filter(exchange);
        }
        String path = request.getPath().pathWithinApplication().value();
        long limit = path.startsWith("/api/predictions") ? maxPrediction
                : path.startsWith("/api/batches") ? maxBatch
                : path.startsWith("/api/models") ? maxModel
                : Long.MAX_VALUE;
        if (length <= limit) {
            return chain.filter(exchange);
        }
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.CONTENT_TOO_LARGE);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        String body = "{\"type\":\"about:blank\",\"title\":\"Upload too large\",\"status\":413,\"detail\":\"the request body is "
                + length + " bytes; this endpoint accepts at most " + limit + "\"}";
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))));
    }
}
