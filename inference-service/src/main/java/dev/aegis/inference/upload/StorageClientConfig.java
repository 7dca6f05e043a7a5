package dev.aegis.inference.upload;

import java.util.concurrent.TimeUnit;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.aegis.support.storage.StorageProperties;
import io.minio.MinioClient;
import io.minio.http.HttpUtils;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;

/**
 * The object-store client of this service, replacing service-support's default one. The MinIO
 * client runs every call, even the blocking ones, through OkHttp's async dispatcher, whose
 * default allows 5 requests per host: every upload, every worker fetch (a stat and a get per
 * image) and the model registry's reads queued behind 5 slots, so the worker's parallel fetches
 * ran 5 at a time and a registry read could time out behind a burst of uploads.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "aegis.storage.endpoint")
class StorageClientConfig {

    /** Concurrent object-store requests of one process (uploads, fetches, registry). */
    static final int MAX_REQUESTS = 64;

    @Bean(destroyMethod = "")
    MinioClient minioClient(StorageProperties properties) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(MAX_REQUESTS);
        dispatcher.setMaxRequestsPerHost(MAX_REQUESTS);
        // MinIO's own defaults (5 min timeouts, HTTP/1.1), with room for the concurrency above
        long timeout = TimeUnit.MINUTES.toMillis(5);
        return MinioClient.builder()
                .endpoint(properties.endpoint())
                .credentials(properties.accessKey(), properties.secretKey())
                .region(properties.region())
                .httpClient(HttpUtils.newDefaultHttpClient(timeout, timeout, timeout).newBuilder()
                        .dispatcher(dispatcher)
                        .connectionPool(new ConnectionPool(MAX_REQUESTS / 2, 5, TimeUnit.MINUTES))
                        .build())
                .build();
    }
}
