package dev.aegis.adversarial.attack;

import java.net.URI;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.aegis.model.image.CorruptImageException;
import dev.aegis.model.image.ImageRejectedException;
import dev.aegis.model.image.ImageTooLargeException;
import dev.aegis.model.image.UnsupportedImageException;

/** This service's domain errors as problem+json; ahead of the shared fallback handler. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class AttackProblems {

    private static final String TYPE = "https://aegis.dev/problems/";

    @ExceptionHandler(InvalidAttackException.class)
    ProblemDetail invalid(InvalidAttackException e) {
        HttpStatus status = e.malformed() ? HttpStatus.BAD_REQUEST : HttpStatus.UNPROCESSABLE_CONTENT;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
                "invalid request: " + String.join("; ", e.errors().entrySet().stream()
                        .map(en -> en.getKey() + " " + en.getValue()).toList()));
        problem.setType(URI.create(TYPE + "invalid-request"));
        problem.setTitle("Invalid request");
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler(UploadTooLargeException.class)
    ProblemDetail tooLarge(UploadTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "image-too-large", "Image too large", e.getMessage());
    }

    @ExceptionHandler(ImageRejectedException.class)
    ProblemDetail rejected(ImageRejectedException e) {
        if (e instanceof ImageTooLargeException) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "image-too-large", "Image too large", e.getMessage());
        }
        if (e instanceof UnsupportedImageException) {
            return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-image", "Unsupported image", e.getMessage());
        }
        String type = e instanceof CorruptImageException ? "corrupt-image" : "image-rejected";
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, type, "Image rejected", e.getMessage());
    }

    @ExceptionHandler(AttackService.NoActiveModelException.class)
    ProblemDetail noModel(AttackService.NoActiveModelException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "no-active-model", "No active model", e.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE + type));
        problem.setTitle(title);
        return problem;
    }
}
