package dev.aegis.adversarial.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Component;

import dev.aegis.events.ModelRef;
import dev.aegis.support.storage.ObjectStorage;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which model is active and what labels it knows, read from object storage
 * ({@code models/active.json} and the version's {@code model-card.json}) where the inference
 * service's registry writes them. Cached briefly and refreshed on {@code ModelActivated}.
 */
@Component
public class ActiveModelCatalog {

    public static final String ACTIVE_KEY = "models/active.json";
    private static final Duration TTL = Duration.ofSeconds(30);

    /** The active model version and its labels in output order. */
    public record ActiveModel(ModelRef ref, List<String> labels) {

        public String prefix() {
            return prefixOf(ref);
        }
    }

    private record Cached(ActiveModel model, Instant at) {
    }

    private final ObjectStorage storage;
    private final JsonMapper mapper;
    private final AtomicReference<Cached> cache = new AtomicReference<>();

    public ActiveModelCatalog(ObjectStorage storage, JsonMapper mapper) {
        this.storage = storage;
        this.mapper = mapper;
    }

    public static String prefixOf(ModelRef ref) {
        return "models/" + ref.name() + "/" + ref.version() + "/";
    }

    /** The active model, or empty when none has been activated yet. */
    public Mono<ActiveModel> active() {
        Cached cached = cache.get();
        if (cached != null && cached.at().plus(TTL).isAfter(Instant.now())) {
            return Mono.just(cached.model());
        }
        return load().doOnNext(m -> cache.set(new Cached(m, Instant.now())));
    }

    /** Forget the cached answer: the next call reads object storage again. */
    public void invalidate() {
        cache.set(null);
    }

    private Mono<ActiveModel> load() {
        return storage.get(ACTIVE_KEY)
                .map(active -> {
                    JsonNode node = mapper.readTree(active.bytes());
                    return new ModelRef(node.path("name").asString(), node.path("version").asString());
                })
                .flatMap(ref -> storage.get(prefixOf(ref) + "model-card.json")
                        .map(card -> new ActiveModel(ref, labels(mapper.readTree(card.bytes())))));
    }

    private static List<String> labels(JsonNode card) {
        List<String> labels = new ArrayList<>();
        for (JsonNode label : card.path("labels")) {
            labels.add(label.asString());
        }
        return List.copyOf(labels);
    }
}
