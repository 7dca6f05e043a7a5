package dev.aegis.gateway.problem;

import java.net.ConnectException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import reactor.core.publisher.Mono;

/**
 * Every error the gateway itself produces (no route, body too large, a service that is down)
 * leaves as problem+json. Runs before Boot's default handler, which answers plain JSON.
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        if (ex instanceof ResponseStatusException rse) {
            HttpStatusCode code = rse.getStatusCode();
            HttpStatus status = HttpStatus.resolve(code.value());
            if (status == null) {
                status = HttpStatus.INTERNAL_SERVER_ERROR;
            }
            String type = switch (status) {
                case CONTENT_TOO_LARGE -> "payload-too-large";
                case NOT_FOUND -> "not-found";
                case SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT, BAD_GATEWAY -> "service-unavailable";
                default -> "http-" + status.value();
            };
            String detail = rse.getReason() != null ? rse.getReason() : status.getReasonPhrase();
            return Problems.write(exchange, status, type, detail);
        }
        if (hasCause(ex, ConnectException.class)) {
            log.warn("downstream unreachable for {}: {}", exchange.getRequest().getPath(), ex.toString());
            return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
                    "The service behind this path is not reachable right now");
        }
        log.error("unhandled error on {}", exchange.getRequest().getPath(), ex);
        return Problems.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "Unexpected error in the gateway");
    }

    private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
