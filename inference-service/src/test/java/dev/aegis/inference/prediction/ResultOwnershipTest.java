package dev.aegis.inference.prediction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class ResultOwnershipTest {

    @Test
    void predictsThePartitionTheProducerChoosesForAResultKey() {
        // a wrong guess would make a long-poll skip its re-reads while another instance applies its result
        for (int partitions : new int[] {1, 3, 6, 7, 32}) {
            for (int i = 0; i < 2_000; i++) {
                String id = UUID.randomUUID().toString();
                assertThat(ResultOwnership.partitionOf(id, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
