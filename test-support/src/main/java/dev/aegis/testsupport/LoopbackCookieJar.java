package dev.aegis.testsupport;

import java.net.CookieHandler;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A browser-like cookie jar for one loopback host. Keycloak marks its cookies {@code Secure} even on
 * plain HTTP; browsers still send them to 127.0.0.1/localhost (a secure context), the JDK's
 * CookieManager does not. Host scoping is skipped: every server in these tests is on 127.0.0.1.
 */
public final class LoopbackCookieJar extends CookieHandler {

    private record Cookie(String name, String value, String path) {
    }

    private final Map<String, Cookie> cookies = new ConcurrentHashMap<>();

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String header = cookies.values().stream()
                .filter(c -> path.startsWith(c.path()))
                .map(c -> c.name() + "=" + c.value())
                .collect(Collectors.joining("; "));
        return header.isEmpty() ? Map.of() : Map.of("Cookie", List.of(header));
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.forEach((name, values) -> {
            if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                values.forEach(this::store);
            }
        });
    }

    private void store(String setCookie) {
        String[] parts = setCookie.split(";");
        int eq = parts[0].indexOf('=');
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        String path = "/";
        boolean delete = false;
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim().toLowerCase(Locale.ROOT);
            if (attribute.startsWith("path=")) {
                path = parts[i].trim().substring(5);
            } else if (attribute.equals("max-age=0") || attribute.contains("1970")) {
                delete = true;
            }
        }
        String key = name + "|" + path;
        if (delete) {
            cookies.remove(key);
        } else {
            cookies.put(key, new Cookie(name, value, path));
        }
    }

    public String value(String name) {
        return cookies.values().stream().filter(c -> c.name().equals(name)).map(Cookie::value).findFirst()
                .orElse(null);
    }

    public boolean has(String name) {
        return value(name) != null;
    }
}
