package dev.aegis.support.problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;

import dev.aegis.support.storage.StorageUnavailableException;

/**
 * The fallback translation of exceptions into RFC 9457 problem details, shared by every service.
 * Services put their own domain handlers at a higher precedence; what reaches this one is
 * framework errors (bad request bodies, unsupported media types, 404 routes), storage outages
 * and, last, anything unexpected, which is answered without internals.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(StorageUnavailableException.class)
    ProblemDetail storageUnavailable(StorageUnavailableException e) {
        log.warn("object storage unavailable: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "image storage is temporarily unavailable; nothing was lost, retry later");
        problem.setTitle("Storage unavailable");
        return problem;
    }

    /**
     * A body or multipart part above the codec limits (e.g. {@code spring.webflux.multipart.
     * max-disk-usage-per-part}) is the client's doing: 413, not a 500 with an error log.
     */
    @ExceptionHandler(DataBufferLimitException.class)
    ProblemDetail tooLarge(DataBufferLimitException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                "the request body is larger than this endpoint accepts: " + e.getMessage());
        problem.setTitle("Request too large");
        return problem;
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error", e);
        return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "an unexpected error occurred; it has been logged");
    }
}
