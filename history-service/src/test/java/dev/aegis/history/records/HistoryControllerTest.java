package dev.aegis.history.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventTypes;
import dev.aegis.events.UserErasureRequested;
import dev.aegis.support.problem.ProblemAutoConfiguration;
import dev.aegis.support.security.ResourceServerAutoConfiguration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The HTTP contract of the controller: validation, problem+json, scoping by the JWT subject.
 * The store is a mock here; the store itself is tested against a real MongoDB-protocol server.
 */
@WebFluxTest(controllers = HistoryController.class, properties =
        "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1/realms/aegis")
@Import({ResourceServerAutoConfiguration.class, ProblemAutoConfiguration.class, LiveUpdates.class})
class HistoryControllerTest {

    private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");

    @Autowired
    WebTestClient client;

    @MockitoBean
    HistoryStore store;

    @MockitoBean
    ErasurePublisher erasure;

    WebTestClient alice;
    WebTestClient bob;

    @BeforeEach
    void users() {
        alice = client.mutateWith(mockJwt().jwt(j -> j.subject("alice")));
        bob = client.mutateWith(mockJwt().jwt(j -> j.subject("bob")));
        when(store.findOne(anyString(), anyString())).thenReturn(Mono.empty());
        when(store.findOne("alice", "r1")).thenReturn(Mono.just(record("r1", "alice", T)));
        when(store.deleteOne(anyString(), anyString())).thenReturn(Mono.just(false));
        when(store.deleteOne("alice", "r1")).thenReturn(Mono.just(true));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "size=0                      | size",
            "size=-5                     | size",
            "size=1000000                | size",
            "size=ten                    | size",
            "from=yesterday              | from",
            "to=2026-13-45               | to",
            "from=2026-11-28&to=2026-11-27 | to",
            "kind=VIDEO                  | kind",
            "flagged=maybe               | flagged",
            "sort=random                 | sort",
            "cursor=%25%25not-a-cursor   | cursor",
            "lable=Car                   | lable",
            "kind=ATTACK&kind=PREDICTION | kind",
            "label=                      | label"})
    void badQueriesAreProblem400WithTheOffendingParameter(String query, String parameter) {
        alice.get().uri(URI.create("/api/history?" + query)).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.errors." + parameter).isNotEmpty()
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains(parameter));
        verify(store, never()).find(anyString(), any(), anyInt());
    }

    @Test
    void statsValidateTheSameFiltersAndRefusePagingParameters() {
        alice.get().uri("/api/history/stats?from=27-11-2026").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors.from").isNotEmpty();
        alice.get().uri("/api/history/stats?size=10").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors.size").isNotEmpty();
    }

    @Test
    void listIsScopedToTheCallerAndPagesWithACursor() {
        when(store.find(eq("alice"), any(), eq(3))).thenReturn(Flux.just(
                record("r3", "alice", T.plusSeconds(3)), record("r2", "alice", T.plusSeconds(2)),
                record("r1", "alice", T.plusSeconds(1))));
        ArgumentCaptor<HistoryQuery> query = ArgumentCaptor.forClass(HistoryQuery.class);

        alice.get().uri("/api/history?size=2&kind=prediction&label=Car&flagged=false&from=2026-11-01&to=2026-11-27")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].id").isEqualTo("r3")
                .jsonPath("$.items[1].id").isEqualTo("r2")
                .jsonPath("$.items[0].userId").doesNotExist()
                .jsonPath("$.size").isEqualTo(2)
                .jsonPath("$.nextCursor").isNotEmpty();

        verify(store).find(eq("alice"), query.capture(), eq(3));
        HistoryQuery q = query.getValue();
        assertThat(q.kind()).isEqualTo(RecordKind.PREDICTION);
        assertThat(q.label()).isEqualTo("Car");
        assertThat(q.flagged()).isFalse();
        assertThat(q.from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        // a date as upper bound includes that whole day
        assertThat(q.to()).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
        assertThat(q.size()).isEqualTo(2);
    }

    @Test
    void theNextCursorPointsAfterTheLastRecordOfThePage() {
        when(store.find(eq("alice"), any(), eq(2))).thenReturn(Flux.just(
                record("r3", "alice", T.plusSeconds(3)), record("r2", "alice", T.plusSeconds(2))));
        HistoryPage page = alice.get().uri("/api/history?size=1").exchange()
                .expectStatus().isOk()
                .expectBody(HistoryPage.class).returnResult().getResponseBody();
        assertThat(page.nextCursor()).isNotNull();
        assertThat(Cursor.decode(page.nextCursor())).isEqualTo(new Cursor(T.plusSeconds(3), "r3"));

        ArgumentCaptor<HistoryQuery> query = ArgumentCaptor.forClass(HistoryQuery.class);
        when(store.find(eq("alice"), query.capture(), eq(2))).thenReturn(Flux.just(record("r2", "alice", T.plusSeconds(2))));
        alice.get().uri("/api/history?size=1&cursor=" + page.nextCursor()).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.nextCursor").doesNotExist()
                .jsonPath("$.items[0].id").isEqualTo("r2");
        assertThat(query.getValue().cursor()).isEqualTo(new Cursor(T.plusSeconds(3), "r3"));
    }

    @Test
    void anotherUsersRecordIsNotFound() {
        alice.get().uri("/api/history/r1").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo("r1").jsonPath("$.label").isEqualTo("Car");
        bob.get().uri("/api/history/r1").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404);
        verify(store).findOne("bob", "r1");
    }

    @Test
    void deletingAnotherUsersRecordIsNotFound() {
        bob.delete().uri("/api/history/r1").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        alice.delete().uri("/api/history/r1").exchange().expectStatus().isNoContent();
        verify(store).deleteOne("bob", "r1");
        verify(store).deleteOne("alice", "r1");
    }

    @Test
    void eraseAllPublishesTheEventForTheCallerThenDeletesTheirRecords() {
        CloudEvent<UserErasureRequested> event = CloudEvent.of(ErasurePublisher.SOURCE,
                EventTypes.USER_ERASURE_REQUESTED, "alice", "alice", "c-1", new UserErasureRequested("x"));
        when(erasure.publish("alice", "c-1")).thenReturn(Mono.just(event));
        when(store.eraseUser(eq("alice"), any())).thenReturn(Mono.just(7L));
        alice.delete().uri("/api/history").header("X-Correlation-Id", "c-1").exchange()
                .expectStatus().isAccepted()
                .expectBody()
                .jsonPath("$.deletedRecords").isEqualTo(7)
                .jsonPath("$.erasureEventId").isEqualTo(event.id());
        verify(store, never()).eraseUser(eq("bob"), any());
    }

    @Test
    void eraseAllDeletesNothingWhenTheEventCannotBePublished() {
        when(erasure.publish(eq("alice"), anyString())).thenReturn(Mono.error(
                new ServiceUnavailableException("the erasure could not be started", new IllegalStateException("kafka down"))));
        alice.delete().uri("/api/history").exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.detail").isEqualTo("the erasure could not be started");
        verify(store, never()).eraseUser(anyString(), any());
    }

    @Test
    void withoutATokenEverythingIsUnauthorized() {
        client.get().uri("/api/history").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        client.delete().uri("/api/history").exchange().expectStatus().isUnauthorized();
        client.get().uri("/api/history/stream").exchange().expectStatus().isUnauthorized();
        verify(store, never()).eraseUser(anyString(), any());
    }

    static HistoryRecord record(String id, String user, Instant at) {
        return new HistoryRecord(id, "e-" + id, user, RecordKind.PREDICTION, "DONE", "c", "img", "uploads/" + user + "/img",
                "a.png", new HistoryRecord.Model("demo", "1"), "Car", 0.9,
                List.of(new HistoryRecord.LabelProbability("Car", 0.9), new HistoryRecord.LabelProbability("Bike", 0.1)),
                new HistoryRecord.Detector(0.1, 0.5, false), null, null, null, at, "2026-11-27", at);
    }
}
