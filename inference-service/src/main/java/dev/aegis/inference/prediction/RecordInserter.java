package dev.aegis.inference.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Inserts the records of concurrent submits: an idle inserter writes a record at once; records
 * that arrive while a write is in flight go together in the next {@code insertMany}. The same
 * adaptive scheme as the worker's batcher: no added latency when idle, one command per group
 * under load (the local MongoDB-protocol server's cost is per command, and it was the largest
 * non-model CPU cost of the pipeline). A failed group fails every caller in it; ordered inserts
 * may have written some of them, which the caller marks FAILED like any failed submit.
 */
@Component
class RecordInserter {

    private static final int MAX_GROUP = 256;

    private record Pending(PredictionDocument record, Sinks.One<PredictionDocument> written) {
    }

    private final ReactiveMongoTemplate mongo;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    RecordInserter(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    Mono<PredictionDocument> insert(PredictionDocument record) {
        return Mono.defer(() -> {
            Sinks.One<PredictionDocument> written = Sinks.one();
            queue.add(new Pending(record, written));
            drain();
            return written.asMono();
        });
    }

    private void drain() {
        // a caller that loses the race leaves its record queued for the write in flight's callback
        while (!queue.isEmpty() && writing.compareAndSet(false, true)) {
            List<Pending> group = new ArrayList<>();
            Pending next;
            while (group.size() < MAX_GROUP && (next = queue.poll()) != null) {
                group.add(next);
            }
            if (group.isEmpty()) {
                writing.set(false);
                continue;
            }
            // a lone record as a plain insert: insertMany's list handling costs a lone request time
            Mono<Void> write = group.size() == 1 ? mongo.insert(group.get(0).record()).then()
                    : mongo.insertAll(group.stream().map(Pending::record).toList()).then();
            write.subscribe(
                    null,
                    error -> {
                        writing.set(false);
                        group.forEach(p -> p.written().tryEmitError(error));
                        drain();
                    },
                    () -> {
                        writing.set(false);
                        group.forEach(p -> p.written().tryEmitValue(p.record()));
                        drain();
                    });
            return;
        }
    }
}
