package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void roundTripsAPredictionResultWithItsTypedPayload() {
        PredictionCompleted data = new PredictionCompleted("p1", "i1", "uploads/u1/i1", "b1", "cat.png",
                PredictionCompleted.Status.DONE, "car", 0.9, Map.of("car", 0.9, "ship", 0.1),
                new ModelRef("aegis-demo", "3"), new DetectorVerdict(0.2, 0.5, false),
                new Timings(1, 2, 3, 6), null);
        CloudEvent<PredictionCompleted> event = CloudEvent.of(URI.create("/inference-worker"),
                EventTypes.PREDICTION_COMPLETED, "p1", "u1", "c1", data);

        CloudEvent<PredictionCompleted> read = codec.read(codec.write(event), PredictionCompleted.class);

        assertThat(read).isEqualTo(event);
        assertThat(new String(codec.write(event), StandardCharsets.UTF_8))
                .contains("\"specversion\":\"1.0\"", "\"userid\":\"u1\"", "\"correlationid\":\"c1\"");
    }

    @Test
    void rejectsUnknownTypesMissingUserAndGarbageAsMalformed() {
        assertThatThrownBy(() -> codec.read("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> codec.read("""
                {"specversion":"1.0","id":"1","source":"/x","type":"dev.aegis.unknown.v9",
                 "userid":"u","correlationid":"c","data":{}}""".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("unknown event type");
        assertThatThrownBy(() -> codec.read("""
                {"specversion":"1.0","id":"1","source":"/x","type":"dev.aegis.user.erasure-requested.v1",
                 "correlationid":"c","data":{"reason":"r"}}""".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("userid");
        assertThatThrownBy(() -> codec.read(new byte[0])).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void rejectsAPayloadOfTheWrongTypeForTheConsumer() {
        CloudEvent<UserErasureRequested> erasure = CloudEvent.of(URI.create("/history"),
                EventTypes.USER_ERASURE_REQUESTED, "u1", "u1", "c1", new UserErasureRequested("user asked"));

        assertThatThrownBy(() -> codec.read(codec.write(erasure), PredictionCompleted.class))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("PredictionCompleted");
    }

    @Test
    void carriesInlineImageBytesAndReadsRequestsWithoutThem() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        CloudEvent<PredictionRequested> inline = CloudEvent.of(URI.create("/inference"),
                EventTypes.PREDICTION_REQUESTED, "p1", "u1", "c1",
                new PredictionRequested("p1", "i1", "uploads/u1/i1", "image/png", null, "a.png", png));

        PredictionRequested read = codec.read(codec.write(inline), PredictionRequested.class).data();

        assertThat(read.inlineImage()).containsExactly(png);
        assertThat(read.imageKey()).isEqualTo("uploads/u1/i1");
        // an event of a producer that predates the field: the worker fetches from storage
        PredictionRequested old = codec.read("""
                {"specversion":"1.0","id":"1","source":"/x","type":"%s","userid":"u1","correlationid":"c",
                 "data":{"predictionId":"p2","imageId":"i2","imageKey":"uploads/u1/i2","contentType":"image/png"}}"""
                .formatted(EventTypes.PREDICTION_REQUESTED).getBytes(StandardCharsets.UTF_8), PredictionRequested.class)
                .data();
        assertThat(old.inlineImage()).isNull();
        assertThat(old.predictionId()).isEqualTo("p2");
    }

    @Test
    void derivedEventsKeepTheirIdSoRedeliveriesAreIdempotent() {
        CloudEvent<UserErasureRequested> a = CloudEvent.derived("result-of-p1", URI.create("/w"),
                EventTypes.USER_ERASURE_REQUESTED, "u1", "u1", "c1", new UserErasureRequested("x"));
        CloudEvent<UserErasureRequested> b = CloudEvent.derived("result-of-p1", URI.create("/w"),
                EventTypes.USER_ERASURE_REQUESTED, "u1", "u1", "c1", new UserErasureRequested("x"));
        assertThat(a.id()).isEqualTo(b.id());
    }
}
