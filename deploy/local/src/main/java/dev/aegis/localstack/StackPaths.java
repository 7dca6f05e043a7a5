package dev.aegis.localstack;

import java.nio.file.Path;

/**
 * Where things live. {@code root} is the repository (to find mvnw, jars and the realm file),
 * {@code dist} the installed server binaries (shared by every stack: survives mvn clean),
 * {@code state} the data, logs and pid files of ONE stack (.aegis/ for ./aegis, a temp folder per test JVM).
 */
public record StackPaths(Path root, Path dist, Path state) {

    public static StackPaths of(Path root, Path state) {
        Path r = root.toAbsolutePath().normalize();
        return new StackPaths(r, r.resolve(".aegis").resolve("dist"), state.toAbsolutePath().normalize());
    }

    public Path home(String component) {
        return state.resolve(component);
    }

    public Path log(String component) {
        return state.resolve("logs").resolve(component + ".log");
    }

    public Path pid(String component) {
        return state.resolve("run").resolve(component + ".pid");
    }
}
