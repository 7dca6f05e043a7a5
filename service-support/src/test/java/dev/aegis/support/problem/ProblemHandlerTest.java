package dev.aegis.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.ProblemDetail;

class ProblemHandlerTest {

    private final ProblemHandler handler = new ProblemHandler();

    @Test
    void aBodyOrPartAboveTheCodecLimitIs413NotA500() {
        ProblemDetail problem = handler.tooLarge(
                new DataBufferLimitException("Part exceeded the disk usage limit of 10485760 bytes"));
        assertThat(problem.getStatus()).isEqualTo(413);
        assertThat(problem.getTitle()).isEqualTo("Request too large");
        assertThat(problem.getDetail()).contains("10485760");
    }

    @Test
    void anythingUnexpectedIs500WithoutInternals() {
        ProblemDetail problem = handler.unexpected(new IllegalStateException("secret internals"));
        assertThat(problem.getStatus()).isEqualTo(500);
        assertThat(problem.getDetail()).doesNotContain("secret");
    }
}
