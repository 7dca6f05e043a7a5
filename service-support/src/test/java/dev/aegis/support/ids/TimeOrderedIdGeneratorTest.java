package dev.aegis.support.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.IdGenerator;
import org.springframework.util.JdkIdGenerator;

class TimeOrderedIdGeneratorTest {

    private final TimeOrderedIdGenerator ids = new TimeOrderedIdGenerator();

    @Test
    void idsAreVersion7AndIncreaseAsStringsEvenWithinOneMillisecond() {
        String previous = ids.generateId().toString();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            UUID id = ids.generateId();
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            // MongoDB orders string _ids by their characters: that is the order that must grow
            String text = id.toString();
            assertThat(text).isGreaterThan(previous);
            assertThat(seen.add(text)).isTrue();
            previous = text;
        }
    }

    @Test
    void theFirst48BitsAreTheCreationTimeInMilliseconds() {
        long before = System.currentTimeMillis();
        UUID id = ids.generateId();
        long after = System.currentTimeMillis();
        long millis = id.getMostSignificantBits() >>> 16;
        assertThat(millis).isBetween(before, after);
    }

    @Test
    void threadsSharingTheGeneratorNeverGetTheSameId() throws Exception {
        Set<UUID> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                counts.add(pool.submit(() -> {
                    int added = 0;
                    for (int i = 0; i < 25_000; i++) {
                        added += seen.add(ids.generateId()) ? 1 : 0;
                    }
                    return added;
                }));
            }
            for (Future<Integer> count : counts) {
                assertThat(count.get()).isEqualTo(25_000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(100_000);
    }

    @Test
    void servicesGetItUnlessTheyDeclareTheirOwn() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(IdAutoConfiguration.class));
        runner.run(context -> assertThat(context.getBean(IdGenerator.class)).isInstanceOf(TimeOrderedIdGenerator.class));
        runner.withUserConfiguration(OwnIds.class)
                .run(context -> assertThat(context.getBean(IdGenerator.class)).isInstanceOf(JdkIdGenerator.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnIds {
        @Bean
        IdGenerator ownIds() {
            return new JdkIdGenerator();
        }
    }
}
