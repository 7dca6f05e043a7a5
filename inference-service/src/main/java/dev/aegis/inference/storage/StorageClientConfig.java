package dev.aegis.inference.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.aegis.support.storage.StorageProperties;
import io.minio.MinioClient;
import io.minio.http.HttpUtils;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;

/**
 * The storage auto-configuration's MinIO client (same dispatcher, pool and timeouts), with
 * TCP_NODELAY on its sockets. OkHttp leaves Nagle's algorithm on, and it writes a request body
 * larger than its 8 KiB buffer in two writes: the second, small one then waits for the ACK of the
 * first, which the server delays by up to 40 ms. Measured by the pipeline bench on the local
 * stack: a 13 KB PNG upload took 54-58 ms p50 instead of 12 ms (a 6 KB one, one write, was not
 * affected); it was most of the submit path's overhead. Replaces the auto-configured client
 * ({@code @ConditionalOnMissingBean}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "aegis.storage.endpoint")
@EnableConfigurationProperties(StorageProperties.class)
class StorageClientConfig {

    @Bean(destroyMethod = "")
    MinioClient minioClient(StorageProperties properties) {
        int max = properties.maxConcurrentRequests();
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(max);
        dispatcher.setMaxRequestsPerHost(max);
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

    /** Sockets with Nagle's algorithm off (for https OkHttp layers TLS over this raw socket). */
    static final class NoDelaySocketFactory extends SocketFactory {

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public Socket createSocket() throws IOException {
            // OkHttp calls this one, then connects the unconnected socket itself
            return noDelay(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(new Socket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(new Socket(address, port, localAddress, localPort));
        }
    }
}
