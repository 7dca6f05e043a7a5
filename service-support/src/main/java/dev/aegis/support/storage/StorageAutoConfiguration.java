package dev.aegis.support.storage;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.minio.MinioClient;

/** A {@link MinioClient} and {@link ObjectStorage} for any service that sets {@code aegis.storage.endpoint}. */
@AutoConfiguration
@EnableConfigurationProperties(StorageProperties.class)
@ConditionalOnProperty(name = "aegis.storage.endpoint")
public class StorageAutoConfiguration {

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    MinioClient minioClient(StorageProperties properties) {
        return MinioClient.builder()
                .endpoint(properties.endpoint())
                .credentials(properties.accessKey(), properties.secretKey())
                .region(properties.region())
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    ObjectStorage objectStorage(MinioClient client, StorageProperties properties) {
        return new ObjectStorage(client, properties.bucket());
    }
}
