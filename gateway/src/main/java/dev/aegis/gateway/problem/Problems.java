package dev.aegis.gateway.problem;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem details straight onto a response. Web filters and security handlers
 * run outside the controllers, where Spring's own problem handling does not reach.
 */
public final class Problems {

    public static final String TYPE_BASE = "https://aegis.dev/problems/";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String detail) {
        return write(exchange, status, type, detail, Map.of());
    }

    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String detail,
            Map<String, Object> extra) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + type);
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", exchange.getRequest().getPath().value());
        body.putAll(extra);
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatusCode(status);
        if (hasBody(exchange.getRequest().getHeaders())) {
            // Written before the request's body was read (filters and security run first): the
            // unread body still sits on the connection, which must not carry another request
            // (RFC 9112, 9.6). Without the signal a keep-alive client reused it: in two CI runs
            // GatewayIT's POST right after a CSRF 403 on the same connection got no answer.
            response.getHeaders().set(HttpHeaders.CONNECTION, "close");
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    private static boolean hasBody(HttpHeaders request) {
        return request.getContentLength() > 0 || request.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }
}
