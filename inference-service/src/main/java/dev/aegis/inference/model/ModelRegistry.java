package dev.aegis.inference.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.springframework.stereotype.Component;

import dev.aegis.events.ModelRef;
import dev.aegis.support.storage.ObjectStorage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models in object storage: {@code models/{name}/{version}/} holds the SavedModel files and
 * {@code model-card.json}; {@code models/active.json} names the active version.
 */
@Component
public class ModelRegistry {

    public static final String ACTIVE_KEY = "models/active.json";
    public static final String CARD = "model-card.json";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ObjectStorage storage;

    public ModelRegistry(ObjectStorage storage) {
        this.storage = storage;
    }

    /** A name or version usable as one path segment of a key (no {@code ..}, no slash). */
    public static boolean safeSegment(String s) {
        return s != null && SAFE.matcher(s).matches() && !s.contains("..");
    }

    public static String prefix(ModelRef ref) {
        return "models/" + ref.name() + "/" + ref.version() + "/";
    }

    public Mono<ModelRef> active() {
        return storage.get(ACTIVE_KEY).map(o -> JSON.readValue(o.bytes(), ModelRef.class));
    }

    /** The card of a version as stored (raw JSON), or empty. */
    public Mono<String> card(ModelRef ref) {
        return storage.get(prefix(ref) + CARD).map(o -> new String(o.bytes(), java.nio.charset.StandardCharsets.UTF_8));
    }

    public Mono<Boolean> exists(ModelRef ref) {
        return storage.exists(prefix(ref) + CARD);
    }

    public Mono<List<ModelRef>> versions() {
        return storage.list("models/").map(keys -> {
            TreeSet<String> seen = new TreeSet<>();
            List<ModelRef> refs = new ArrayList<>();
            for (String key : keys) {
                String[] parts = key.split("/");
                if (parts.length == 4 && parts[3].equals(CARD) && seen.add(parts[1] + "/" + parts[2])) {
                    refs.add(new ModelRef(parts[1], parts[2]));
                }
            }
            return refs;
        });
    }

    /** Uploads files given relative to the version folder; the card last, so a half upload is never listed. */
    public Mono<Void> upload(ModelRef ref, Map<String, byte[]> files) {
        String prefix = prefix(ref);
        return Flux.fromIterable(files.entrySet())
                .filter(e -> !e.getKey().equals(CARD))
                .concatMap(e -> storage.put(prefix + e.getKey(), e.getValue(), "application/octet-stream", Map.of()))
                .then(Mono.defer(() -> {
                    byte[] card = files.get(CARD);
                    return storage.put(prefix + CARD, card, "application/json", Map.of());
                }));
    }

    /** Uploads a model folder from disk (bootstrap). */
    public Mono<Void> uploadDirectory(ModelRef ref, Path dir) {
        return Mono.fromCallable(() -> {
            Map<String, byte[]> files = new java.util.LinkedHashMap<>();
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
            return files;
        }).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()).flatMap(files -> upload(ref, files));
    }

    public Mono<Void> setActive(ModelRef ref) {
        return storage.put(ACTIVE_KEY, JSON.writeValueAsBytes(ref), "application/json", Map.of());
    }

    /** Downloads a version into {@code dir} (written to a temp folder first, then moved into place). */
    public Mono<Path> download(ModelRef ref, Path cacheDir) {
        Path target = cacheDir.resolve(ref.name()).resolve(ref.version());
        if (Files.isRegularFile(target.resolve(CARD))) {
            return Mono.just(target);
        }
        String prefix = prefix(ref);
        return storage.list(prefix).flatMap(keys -> Mono.fromCallable(() -> {
            Path temp = Files.createTempDirectory(ensure(cacheDir), ".download-");
            return temp;
        }).flatMap(temp -> Flux.fromIterable(keys)
                .concatMap(key -> storage.get(key).flatMap(o -> Mono.fromCallable(() -> {
                    Path file = temp.resolve(key.substring(prefix.length())).normalize();
                    if (!file.startsWith(temp)) {
                        throw new IOException("unsafe key in model folder: " + key);
                    }
                    Files.createDirectories(file.getParent());
                    Files.write(file, o.bytes());
                    return file;
                })))
                .then(Mono.fromCallable(() -> {
                    Files.createDirectories(target.getParent());
                    if (!Files.exists(target)) {
                        Files.move(temp, target);
                    }
                    return target;
                }))))
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
    }

    private static Path ensure(Path dir) throws IOException {
        Files.createDirectories(dir);
        return dir;
    }

    public static Optional<ModelRef> parse(String name, String version) {
        return safeSegment(name) && safeSegment(version) ? Optional.of(new ModelRef(name, version)) : Optional.empty();
    }
}
