package dev.aegis.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.aegis.inference.upload.RejectedUploadException;
import dev.aegis.inference.upload.ZipEntries;

/**
 * The batch and model-upload zip reader: any bytes give either entries within the limits, with
 * safe names, or a {@link RejectedUploadException} carrying a 4xx status.
 */
class ZipEntriesFuzzTest {

    private static final int MAX_ENTRIES = 20;
    private static final long MAX_ENTRY = 256 * 1024;
    private static final long MAX_TOTAL = 1024 * 1024;

    @FuzzTest(maxDuration = "45s")
    void readEitherRespectsTheLimitsOrRefusesWithA4xx(byte[] data) {
        try {
            List<ZipEntries.Entry> entries = ZipEntries.read(data, MAX_ENTRIES, MAX_ENTRY, MAX_TOTAL);
            assertThat(entries).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_ENTRIES);
            long total = 0;
            for (ZipEntries.Entry e : entries) {
                assertThat((long) e.bytes().length).isLessThanOrEqualTo(MAX_ENTRY);
                String name = e.name().replace('\\', '/');
                assertThat(name).doesNotStartWith("/").doesNotStartWith("../").doesNotContain("/../")
                        .doesNotContain("\0");
                total += e.bytes().length;
            }
            assertThat(total).isLessThanOrEqualTo(MAX_TOTAL);
        } catch (RejectedUploadException expected) {
            assertThat(expected.status().is4xxClientError()).as(expected.status().toString()).isTrue();
        }
    }
}
