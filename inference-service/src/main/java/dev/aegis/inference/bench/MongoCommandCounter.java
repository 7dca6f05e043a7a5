package dev.aegis.inference.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;

/**
 * Counts the MongoDB commands this JVM sends, by name, so the bench can say what a phase cost the
 * server. Registered as a source of the bench's application only: not a stereotype, so the
 * service's component scan never picks it up.
 */
class MongoCommandCounter implements CommandListener {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Bean
    MongoClientSettingsBuilderCustomizer benchCommandCounter() {
        return settings -> settings.addCommandListener(this);
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        counts.computeIfAbsent(event.getCommandName(), name -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((name, count) -> copy.put(name, count.sum()));
        return copy;
    }

    /** "name per image, ..." between two snapshots. */
    static String perImage(Map<String, Long> before, Map<String, Long> after, int images) {
        StringBuilder out = new StringBuilder();
        after.forEach((name, count) -> {
            long delta = count - before.getOrDefault(name, 0L);
            if (delta > 0) {
                out.append(String.format(java.util.Locale.ROOT, "%s %.2f, ", name, (double) delta / images));
            }
        });
        return out.isEmpty() ? "none" : out.substring(0, out.length() - 2);
    }
}
