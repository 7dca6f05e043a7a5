package dev.aegis.inference.prediction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RealServers(Server.MONGO)
class RecordInserterIT {

    private MongoClient client;
    private ReactiveMongoTemplate mongo;
    private RecordInserter inserter;
    private final String user = "user-" + UUID.randomUUID();

    private final AtomicInteger insertCommands = new AtomicInteger();

    @BeforeEach
    void connect() {
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(RealServersExtension.mongo().uri()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        if (event.getCommandName().equals("insert")) {
                            insertCommands.incrementAndGet();
                        }
                    }
                })
                .build());
        mongo = new ReactiveMongoTemplate(client, "inserter-" + UUID.randomUUID().toString().substring(0, 8));
        inserter = new RecordInserter(mongo);
    }

    @AfterEach
    void close() {
        client.close();
    }

    private PredictionDocument record(String id) {
        return PredictionDocument.pending(id, user, "img", "uploads/" + user + "/img", "image/png", "a.png", null);
    }

    @Test
    void concurrentInsertsAreAllWrittenAndEachCallerGetsItsOwnRecord() {
        List<String> ids = IntStream.range(0, 200).mapToObj(i -> UUID.randomUUID().toString()).toList();
        List<String> answered = Flux.fromIterable(ids)
                .flatMap(id -> inserter.insert(record(id)).map(PredictionDocument::id), 64)
                .collectList().block(Duration.ofMinutes(1));
        assertThat(answered).containsExactlyInAnyOrderElementsOf(ids);
        // 64 callers at a time: records that came while a write was in flight shared the next one
        assertThat(insertCommands.get()).isBetween(1, 199);
        assertThat(mongo.find(Query.query(Criteria.where("userId").is(user)), PredictionDocument.class)
                .map(PredictionDocument::id).collectList().block(Duration.ofMinutes(1)))
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aFailedWriteFailsItsCallersAndLaterInsertsStillWork() {
        String taken = UUID.randomUUID().toString();
        inserter.insert(record(taken)).block(Duration.ofSeconds(30));
        // the duplicate id fails its group; every other caller either got its record written or an error
        List<Mono<String>> calls = IntStream.range(0, 20)
                .mapToObj(i -> i == 10 ? taken : UUID.randomUUID().toString())
                .map(id -> inserter.insert(record(id)).map(PredictionDocument::id).onErrorResume(e -> Mono.just("error")))
                .toList();
        List<String> outcomes = Flux.merge(calls).collectList().block(Duration.ofMinutes(1));
        assertThat(outcomes).hasSize(20).contains("error");
        for (String outcome : outcomes) {
            if (!outcome.equals("error")) {
                assertThat(mongo.exists(Query.query(Criteria.where("_id").is(outcome)), PredictionDocument.class)
                        .block(Duration.ofSeconds(30))).isTrue();
            }
        }
        assertThatThrownBy(() -> inserter.insert(record(taken)).block(Duration.ofSeconds(30)))
                .isInstanceOf(DuplicateKeyException.class);
        String after = UUID.randomUUID().toString();
        assertThat(inserter.insert(record(after)).block(Duration.ofSeconds(30)).id()).isEqualTo(after);
    }
}
