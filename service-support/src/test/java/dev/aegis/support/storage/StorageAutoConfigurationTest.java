package dev.aegis.support.storage;

import io.minio.MinioClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class StorageAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(StorageAutoConfiguration.class));

    @Test
    void noEndpointNoClient() {
        runner.run(context -> assertThat(context).doesNotHaveBean(MinioClient.class));
    }

    @Test
    void defaultsAllowManyParallelCallsNotMinioFivePerHost() {
        runner.withPropertyValues("aegis.storage.endpoint=http://127.0.0.1:1", "aegis.storage.access-key=a",
                "aegis.storage.secret-key=b").run(context -> {
            StorageProperties properties = context.getBean(StorageProperties.class);
            assertThat(properties.maxConcurrentRequests()).isEqualTo(64);
            assertThat(properties.bucket()).isEqualTo("aegis");
            assertThat(properties.region()).isEqualTo("us-east-1");
            assertThat(context).hasSingleBean(MinioClient.class).hasSingleBean(ObjectStorage.class);
        });
    }

    @Test
    void aConcurrencyBelowOneIsAClearStartupError() {
        runner.withPropertyValues("aegis.storage.endpoint=http://127.0.0.1:1",
                "aegis.storage.max-concurrent-requests=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("aegis.storage.max-concurrent-requests must be at least 1");
        });
    }
}
