package dev.aegis.history.records;

import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * In-process fan-out of newly stored records to the SSE streams of this instance. Fed by the
 * Kafka consumer right after MongoDB acknowledged an insert (not by change streams, which the
 * local MongoDB-protocol server lacks). A slow SSE client misses records rather than holding
 * back the consumer: the stream is a live hint, the REST API is the source of truth.
 */
@Component
public class LiveUpdates {

    private final Sinks.Many<HistoryRecord> sink = Sinks.many().multicast().directBestEffort();

    /** Called from listener threads; serialized because a sink accepts one emitter at a time. */
    public synchronized void publish(HistoryRecord record) {
        sink.tryEmitNext(record);
    }

    Flux<HistoryRecord> of(String userId) {
        return sink.asFlux().filter(r -> userId.equals(r.userId()));
    }
}
