package dev.aegis.inference.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventTypes;
import dev.aegis.events.ModelActivated;
import dev.aegis.events.ModelRef;
import dev.aegis.events.Topics;
import dev.aegis.inference.messaging.EventPublisher;
import dev.aegis.inference.model.ModelRegistry;
import dev.aegis.inference.model.ModelsProperties;
import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;
import dev.aegis.model.RuntimeOptions;
import jakarta.annotation.PreDestroy;

/**
 * The model version this worker serves. {@code models/active.json} is the truth: an activation
 * event, the start and a periodic check all just re-read it and load what it names. Loading
 * happens beside the serving model; the swap is one reference write, and the old model's
 * {@link Model#close()} waits for calls already running on it, so no in-flight work is dropped.
 */
@Component
@Profile("worker")
public class ActiveModel {

    private static final Logger log = LoggerFactory.getLogger(ActiveModel.class);

    private final ModelRegistry registry;
    private final ModelsProperties properties;
    private final EventPublisher publisher;
    private final int maxBatch;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "model-loader");
        t.setDaemon(true);
        return t;
    });
    private final Object ready = new Object();

    ActiveModel(ModelRegistry registry, ModelsProperties properties, EventPublisher publisher,
                dev.aegis.inference.InferenceProperties inference) {
        this.registry = registry;
        this.properties = properties;
        this.publisher = publisher;
        this.maxBatch = inference.batch().maxSize();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        loader.submit(() -> {
            try {
                bootstrapIfEmpty();
            } catch (RuntimeException e) {
                log.warn("model bootstrap failed: {}", e.toString());
            }
            refreshNow();
        });
    }

    /** Re-reads {@code active.json} and loads its version if it is not the one served. */
    public void refresh() {
        loader.submit(this::refreshNow);
    }

    @Scheduled(fixedDelayString = "${aegis.models.refresh-interval:30s}", initialDelayString = "${aegis.models.refresh-interval:30s}")
    void periodicRefresh() {
        refresh();
    }

    private void refreshNow() {
        try {
            ModelRef active = registry.active().block(Duration.ofSeconds(30));
            if (active == null) {
                log.info("no active model in the registry yet");
                return;
            }
            LoadedModel serving = current.get();
            if (serving != null && serving.ref().equals(active)) {
                return;
            }
            Path dir = registry.download(active, properties.cacheDir()).block(Duration.ofMinutes(5));
            Model model = Model.load(dir, new RuntimeOptions(properties.intraOpThreads(), 0, Math.max(1, maxBatch)));
            LoadedModel loaded = LoadedModel.of(active, model);
            LoadedModel old = current.getAndSet(loaded);
            synchronized (ready) {
                ready.notifyAll();
            }
            log.info("serving model {}:{}", active.name(), active.version());
            if (old != null) {
                old.close();
                log.info("closed model {}:{}", old.ref().name(), old.ref().version());
            }
        } catch (RuntimeException e) {
            log.warn("could not load the active model: {}", e.toString());
        }
    }

    /** First start on an empty registry: register and activate {@code <bootstrap-dir>/<name>/<version>/}. */
    private void bootstrapIfEmpty() {
        Path dir = properties.bootstrapDir();
        if (dir == null || dir.toString().isBlank() || !Files.isDirectory(dir)) {
            return;
        }
        if (registry.active().blockOptional(Duration.ofSeconds(30)).isPresent()) {
            return;
        }
        Optional<Path> cardFile;
        try (Stream<Path> walk = Files.walk(dir, 3)) {
            cardFile = walk.filter(p -> p.getFileName().toString().equals(ModelCard.FILE_NAME))
                    .filter(p -> dir.relativize(p).getNameCount() == 3)
                    .sorted()
                    .findFirst();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (cardFile.isEmpty()) {
            log.warn("bootstrap dir {} holds no <name>/<version>/{}", dir, ModelCard.FILE_NAME);
            return;
        }
        Path versionDir = cardFile.get().getParent();
        ModelCard card = ModelCard.read(versionDir);
        ModelRef ref = ModelRegistry.parse(card.name(), card.version())
                .orElseThrow(() -> new IllegalStateException("unsafe model name or version in " + cardFile.get()));
        registry.uploadDirectory(ref, versionDir)
                .then(registry.setActive(ref))
                .then(publisher.publish(Topics.MODEL_EVENTS, ref.name(), CloudEvent.of(EventPublisher.SOURCE,
                        EventTypes.MODEL_ACTIVATED, ref.name() + "/" + ref.version(), "system",
                        java.util.UUID.randomUUID().toString(), new ModelActivated(ref, "bootstrap"))))
                .block(Duration.ofMinutes(5));
        log.info("registered and activated bootstrap model {}:{} from {}", ref.name(), ref.version(), versionDir);
    }

    /** The serving model, waiting up to {@code timeout} for the first one. */
    public LoadedModel await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (ready) {
            while (current.get() == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(ready, left);
            }
        }
        return current.get();
    }

    public LoadedModel current() {
        return current.get();
    }

    @PreDestroy
    void stop() {
        loader.shutdownNow();
        LoadedModel m = current.getAndSet(null);
        if (m != null) {
            m.close();
        }
    }
}
