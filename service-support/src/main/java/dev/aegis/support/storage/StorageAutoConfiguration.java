package dev.aegis.support.storage;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.minio.MinioClient;
import io.minio.http.HttpUtils;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;

import java.util.concurrent.TimeUnit;

/** A {@link MinioClient} and {@link ObjectStorage} for any service that sets {@code aegis.storage.endpoint}. */
@AutoConfiguration
@EnableConfigurationProperties(StorageProperties.class)
@ConditionalOnProperty(name = "aegis.storage.endpoint")
public class StorageAutoConfiguration {

    /**
     * The MinIO client runs every call, even the blocking ones, through OkHttp's async dispatcher,
     * whose default allows 5 requests per host: uploads, worker fetches (a stat and a get per
     * image) and model-registry reads of one process queued behind 5 slots (measured by the
     * inference pipeline bench: fetches ran 5 at a time and registry reads timed out behind bursts).
     * Its sockets have TCP_NODELAY: see {@link NoDelaySocketFactory}.
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    MinioClient minioClient(StorageProperties properties) {
        int max = properties.maxConcurrentRequests();
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(max);
        dispatcher.setMaxRequestsPerHost(max);
        // MinIO's own defaults otherwise (5 min timeouts, HTTP/1.1)
        long timeout = TimeUnit.MINUTES.toMillis(5);
        return MinioClient.builder()
                .endpoint(properties.endpoint())
                .credentials(properties.accessKey(), properties.secretKey())
                .region(properties.region())
                .httpClient(HttpUtils.newDefaultHttpClient(timeout, timeout, timeout).newBuilder()
                        .dispatcher(dispatcher)
                        .connectionPool(new ConnectionPool(Math.max(1, max / 2), 5, TimeUnit.MINUTES))
                        .socketFactory(new NoDelaySocketFactory())
                        .build())
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    ObjectStorage objectStorage(MinioClient client, StorageProperties properties) {
        return new ObjectStorage(client, properties.bucket());
    }
}
