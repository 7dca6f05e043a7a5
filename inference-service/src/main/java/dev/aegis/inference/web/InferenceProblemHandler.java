package dev.aegis.inference.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.aegis.inference.prediction.QueueUnavailableException;
import dev.aegis.inference.upload.RejectedUploadException;
import dev.aegis.support.problem.NotFoundException;

/** This service's own errors as problem+json; framework errors fall through to service-support's handler. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class InferenceProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(InferenceProblemHandler.class);

    @ExceptionHandler(RejectedUploadException.class)
    ProblemDetail rejected(RejectedUploadException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setTitle(e.title());
        if (!e.errors().isEmpty()) {
            problem.setProperty("errors", e.errors());
        }
        return problem;
    }

    @ExceptionHandler(DataBufferLimitException.class)
    ProblemDetail tooLarge(DataBufferLimitException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                "the request body is larger than this endpoint accepts");
        problem.setTitle("Upload too large");
        return problem;
    }

    /** A body the codecs cannot read (e.g. multipart without boundary) is the client's error, not ours. */
    @ExceptionHandler(DecodingException.class)
    ProblemDetail undecodable(DecodingException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the request body cannot be read: " + e.getMessage());
        problem.setTitle("Malformed request body");
        return problem;
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Not found");
        return problem;
    }

    @ExceptionHandler(QueueUnavailableException.class)
    ProblemDetail queue(QueueUnavailableException e) {
        log.warn("queue unavailable: {}", e.getCause() == null ? e.toString() : e.getCause().toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Queue unavailable");
        return problem;
    }
}
