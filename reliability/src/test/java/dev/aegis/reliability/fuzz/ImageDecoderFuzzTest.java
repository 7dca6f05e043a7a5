package dev.aegis.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.aegis.model.image.ImageDecoder;
import dev.aegis.model.image.ImageRejectedException;

/**
 * Any byte string given to the runtime's decoder either decodes to an image within the pixel
 * budget or is refused with an {@link ImageRejectedException} (which the services map to 413,
 * 415 or 422). Anything else (OutOfMemoryError, NegativeArraySize, a raw IIOException, a hang)
 * would be a 500 or a dead worker, and is a finding.
 */
class ImageDecoderFuzzTest {

    /** Small on purpose: the fuzzer finds header bombs faster when the budget is low. */
    private static final long MAX_PIXELS = 1_000_000;
    private static final ImageDecoder DECODER = new ImageDecoder(MAX_PIXELS);

    @FuzzTest(maxDuration = "45s")
    void decodeEitherSucceedsWithinBudgetOrIsRefused(byte[] data) {
        try {
            ImageDecoder.Decoded decoded = DECODER.decodeWithFormat(data);
            assertThat((long) decoded.image().getWidth() * decoded.image().getHeight()).isLessThanOrEqualTo(MAX_PIXELS);
            assertThat(decoded.format()).isNotBlank();
        } catch (ImageRejectedException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
