package dev.aegis.adversarial.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import dev.aegis.adversarial.AdversarialProperties;
import dev.aegis.adversarial.model.ActiveModelCatalog;
import dev.aegis.events.ModelRef;
import dev.aegis.model.Model;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.detect.AdversarialDetector;
import dev.aegis.support.storage.ObjectStorage;
import dev.aegis.support.storage.StoredObject;

/**
 * The worker's loaded model. Versions are downloaded from {@code models/{name}/{version}/} into a
 * local cache and loaded; on {@code ModelActivated} the new version is loaded beside the old one
 * and swapped in, and the old one is closed when the last attack using it has finished.
 */
@Component
@Profile("worker")
public class ModelHolder implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ModelHolder.class);
    private static final Duration IO_TIMEOUT = Duration.ofMinutes(5);
    private static final String COMPLETE_MARKER = ".complete";

    private final ObjectStorage storage;
    private final ActiveModelCatalog catalog;
    private final Path cacheDir;
    private final RuntimeOptions options;
    private volatile Loaded current;

    public ModelHolder(ObjectStorage storage, ActiveModelCatalog catalog, AdversarialProperties properties) {
        this.storage = storage;
        this.catalog = catalog;
        this.cacheDir = properties.modelCacheDir();
        this.options = RuntimeOptions.defaults();
    }

    /** A loaded version and how many attacks are using it. */
    static final class Loaded {
        final Model model;
        final AdversarialDetector detector;
        final AtomicInteger users = new AtomicInteger();
        volatile boolean retired;

        Loaded(Model model) {
            this.model = model;
            try {
                this.detector = AdversarialDetector.fromCard(model);
            } catch (RuntimeException e) {
                model.close(); // e.g. the card names a learned detector folder that is missing
                throw e;
            }
        }

        void release() {
            if (users.decrementAndGet() == 0 && retired) {
                close();
            }
        }

        /** Frees the native memory of the model and of its learned detector network. */
        void close() {
            try {
                if (detector != null) {
                    detector.close();
                }
            } finally {
                model.close();
            }
        }
    }

    /** Use of the current model for one attack; close it when done. */
    public final class Lease implements AutoCloseable {
        private final Loaded loaded;

        private Lease(Loaded loaded) {
            this.loaded = loaded;
        }

        public Model model() {
            return loaded.model;
        }

        /** The card's calibrated detector, or null. */
        public AdversarialDetector detector() {
            return loaded.detector;
        }

        public ModelRef ref() {
            return new ModelRef(loaded.model.card().name(), loaded.model.card().version());
        }

        @Override
        public void close() {
            loaded.release();
        }
    }

    /** The current model, loading the active one first if none is loaded; empty when none is active. */
    public synchronized java.util.Optional<Lease> acquire() {
        if (current == null) {
            catalog.invalidate();
            ActiveModelCatalog.ActiveModel active = catalog.active().block(IO_TIMEOUT);
            if (active == null) {
                return java.util.Optional.empty();
            }
            activate(active.ref());
        }
        Loaded loaded = current;
        loaded.users.incrementAndGet();
        return java.util.Optional.of(new Lease(loaded));
    }

    /** Loads {@code ref} (unless it is already current) and swaps it in. */
    public synchronized void activate(ModelRef ref) {
        Loaded previous = current;
        if (previous != null && previous.model.card().name().equals(ref.name())
                && previous.model.card().version().equals(ref.version())) {
            return;
        }
        Path dir = download(ref);
        Loaded next = new Loaded(Model.load(dir, options));
        current = next;
        log.info("adversarial worker now attacks model {}:{}", ref.name(), ref.version());
        if (previous != null) {
            previous.retired = true;
            if (previous.users.get() == 0) {
                previous.close();
            }
        }
    }

    private Path download(ModelRef ref) {
        Path dir = cacheDir.resolve(safe(ref.name())).resolve(safe(ref.version()));
        if (Files.exists(dir.resolve(COMPLETE_MARKER))) {
            return dir;
        }
        String prefix = ActiveModelCatalog.prefixOf(ref);
        List<String> keys = storage.list(prefix).block(IO_TIMEOUT);
        if (keys == null || keys.isEmpty()) {
            throw new IllegalStateException("model " + ref.name() + ":" + ref.version() + " has no files under " + prefix);
        }
        try {
            Path tmp = Files.createDirectories(cacheDir).resolve(".download-" + System.nanoTime());
            for (String key : keys) {
                Path target = tmp.resolve(key.substring(prefix.length())).normalize();
                if (!target.startsWith(tmp)) {
                    throw new IllegalStateException("model file escapes its folder: " + key);
                }
                StoredObject object = storage.get(key).block(IO_TIMEOUT);
                if (object == null) {
                    throw new IllegalStateException("model file vanished while downloading: " + key);
                }
                Files.createDirectories(target.getParent());
                Files.write(target, object.bytes());
            }
            Files.writeString(tmp.resolve(COMPLETE_MARKER), ref.name() + ":" + ref.version());
            Files.createDirectories(dir.getParent());
            deleteRecursively(dir);
            Files.move(tmp, dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache model " + ref.name() + ":" + ref.version(), e);
        }
    }

    private static String safe(String segment) {
        if (segment == null || segment.isBlank() || segment.contains("/") || segment.contains("..")) {
            throw new IllegalArgumentException("invalid model name or version: " + segment);
        }
        return segment;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public synchronized void destroy() {
        if (current != null) {
            current.retired = true;
            if (current.users.get() == 0) {
                current.close();
            }
            current = null;
        }
    }
}
