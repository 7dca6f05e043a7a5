package dev.aegis.inference.upload;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.multipart.Part;

import reactor.core.publisher.Mono;

/** Reads multipart parts into memory with a hard limit, so a huge part fails fast with 413. */
public final class Parts {

    private Parts() {
    }

    public static Mono<byte[]> bytes(Part part, long maxBytes) {
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes);
        return DataBufferUtils.join(part.content(), limit)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> RejectedUploadException.tooLarge(
                        "part '" + name(part) + "' is larger than " + maxBytes + " bytes"));
    }

    public static String name(Part part) {
        if (part instanceof org.springframework.http.codec.multipart.FilePart file && !file.filename().isBlank()) {
            return file.filename();
        }
        return part.name();
    }
}
