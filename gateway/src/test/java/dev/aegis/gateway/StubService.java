package dev.aegis.gateway;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Stands in for a downstream service (only the downstream: Keycloak is always real). Records what
 * reached it and answers a small JSON echo.
 */
public final class StubService implements AutoCloseable {

    public record Seen(String method, String path, String authorization, String cookie, long bodyBytes) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final DisposableServer server;

    public StubService(String name) {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            seen.add(new Seen(request.method().name(), request.uri(),
                                    request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION),
                                    request.requestHeaders().get(HttpHeaderNames.COOKIE), body.length));
                            String json = "{\"service\":\"" + name + "\",\"path\":\"" + request.uri() + "\"}";
                            return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                    .sendString(Mono.just(json)).then();
                        }))
                .bindNow();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public List<Seen> seen() {
        return seen;
    }

    public Seen last() {
        return seen.isEmpty() ? null : seen.get(seen.size() - 1);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
