package dev.aegis.inference.prediction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.CloudEventSerializer;
import dev.aegis.events.EventTypes;
import dev.aegis.events.PredictionCompleted;
import dev.aegis.inference.InferenceProperties;
import dev.aegis.inference.messaging.EventPublisher;
import dev.aegis.support.ids.TimeOrderedIdGenerator;
import dev.aegis.support.problem.NotFoundException;
import dev.aegis.testsupport.RealServers;
import dev.aegis.testsupport.RealServersExtension;
import dev.aegis.testsupport.Server;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The window between a single prediction's result being announced and its write landing, on the
 * real MongoDB-protocol server: a long-poll that starts listening after the wake-up and whose read
 * runs before the write, but answers after it, must still see the result at once.
 */
@RealServers({Server.MONGO, Server.KAFKA})
class LongPollRaceIT {

    private MongoClient client;
    private final String user = "user-" + UUID.randomUUID();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile boolean gated = true;
    private final Sinks.One<Boolean> writeGate = Sinks.one();
    private final Sinks.One<Boolean> readGate = Sinks.one();
    private final CompletableFuture<Void> readRan = new CompletableFuture<>();
    private ReactiveMongoTemplate mongo;
    private PredictionService predictions;
    private KafkaTemplate<String, CloudEvent<?>> producer;

    @BeforeEach
    void connect() {
        client = MongoClients.create(RealServersExtension.mongo().uri());
        String database = "long-poll-" + UUID.randomUUID().toString().substring(0, 8);
        // The first read by id runs on the server at once but answers only when readGate opens;
        // bulk writes run only when writeGate opens. That holds the race's order in place.
        mongo = new ReactiveMongoTemplate(client, database) {
            @Override
            public <T> Mono<T> findById(Object id, Class<T> entityClass) {
                Mono<T> read = super.findById(id, entityClass);
                if (reads.incrementAndGet() > 1 || !gated) {
                    return read;
                }
                return read.doOnNext(found -> readRan.complete(null)).delayUntil(found -> readGate.asMono());
            }

            @Override
            public ReactiveBulkOperations bulkOps(BulkMode mode, Class<?> entityClass) {
                ReactiveBulkOperations bulk = super.bulkOps(mode, entityClass);
                return (ReactiveBulkOperations) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {ReactiveBulkOperations.class}, (proxy, method, args) -> {
                            try {
                                Object out = method.invoke(bulk, args);
                                if (method.getName().equals("execute") && gated) {
                                    return writeGate.asMono().then((Mono<?>) out);
                                }
                                return out == bulk ? proxy : out;
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
        // no result listener here: every prediction counts as applied elsewhere, and the re-read
        // that would then rescue a lost wake-up is a minute away
        ResultOwnership ownership = new ResultOwnership(
                new StaticListableBeanFactory().getBeanProvider(KafkaListenerEndpointRegistry.class), null);
        producer = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealServersExtension.kafka().bootstrapServers()),
                new StringSerializer(), new CloudEventSerializer()));
        predictions = new PredictionService(mongo, new RecordInserter(mongo), null, new EventPublisher(producer),
                new InferenceProperties(null, null, null, null, null, null, null, null, null, null), ownership,
                new TimeOrderedIdGenerator(), Duration.ofMinutes(1));
    }

    @AfterEach
    void close() {
        producer.destroy();
        client.close();
    }

    private static CloudEvent<PredictionCompleted> resultOf(String id, String user) {
        return CloudEvent.of(EventPublisher.SOURCE, EventTypes.PREDICTION_COMPLETED, id, user, id,
                new PredictionCompleted(id, "img", "uploads/" + user + "/img", null, "a.png",
                        PredictionCompleted.Status.DONE, "car", 0.9, Map.of("car", 0.9, "ship", 0.1), null, null,
                        null, null));
    }

    @Test
    void aLongPollWhoseReadStraddlesTheResultWriteAnswersDoneWithoutWaitingOutItsWait() throws Exception {
        String id = UUID.randomUUID().toString();
        mongo.insert(PredictionDocument.pending(id, user, "img", "uploads/" + user + "/img", "image/png", "a.png", null))
                .block(Duration.ofSeconds(30));
        CloudEvent<PredictionCompleted> result = resultOf(id, user);

        // announced (waiters woken, none yet), its write held back
        CompletableFuture<Void> applied = predictions.applyAll(List.of(result)).toFuture();
        // the long-poll starts listening after the wake-up; its read sees PENDING on the server
        CompletableFuture<PredictionDocument> polled = predictions.await(user, id, Duration.ofSeconds(5)).toFuture();
        readRan.get(30, TimeUnit.SECONDS);
        // the write lands before the read answers
        writeGate.tryEmitValue(true);
        applied.get(30, TimeUnit.SECONDS);
        readGate.tryEmitValue(true);

        PredictionDocument answer = polled.get(30, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(PredictionStatus.DONE);
        assertThat(answer.label()).isEqualTo("car");
        // answered by its one read, not by the final read once its wait ran out
        assertThat(reads.get()).isEqualTo(1);
        assertThat(mongo.findById(id, PredictionDocument.class).block(Duration.ofSeconds(30)).status())
                .isEqualTo(PredictionStatus.DONE);
    }

    @Test
    void aLongPollOfAPredictionCreatedHereWaitsWithoutReadingMongoDbAndAnotherUsersStill404s() throws Exception {
        gated = false;
        // created through this service: recorded, request event published to the real broker
        PredictionDocument created = predictions.resubmit(user, "img", "image/png", "a.png", new byte[] {1, 2, 3})
                .block(Duration.ofSeconds(30));
        CompletableFuture<PredictionDocument> polled = predictions.await(user, created.id(), Duration.ofSeconds(20))
                .toFuture();
        predictions.applyAll(List.of(resultOf(created.id(), user))).block(Duration.ofSeconds(30));

        PredictionDocument answer = polled.get(30, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(PredictionStatus.DONE);
        assertThat(answer.label()).isEqualTo("car");
        assertThat(answer.createdAt()).isEqualTo(created.createdAt());
        assertThat(reads.get()).isZero();
        // the record read back is the one the long-poll answered
        PredictionDocument stored = predictions.find(user, created.id()).block(Duration.ofSeconds(30));
        assertThat(stored.status()).isEqualTo(PredictionStatus.DONE);
        assertThat(stored.createdAt()).isEqualTo(answer.createdAt());
        assertThat(stored.completedAt()).isEqualTo(answer.completedAt());

        PredictionDocument other = predictions.resubmit(user, "img", "image/png", "a.png", new byte[] {1, 2, 3})
                .block(Duration.ofSeconds(30));
        assertThatThrownBy(() -> predictions.await("someone-else", other.id(), Duration.ofSeconds(5))
                .block(Duration.ofSeconds(30))).isInstanceOf(NotFoundException.class);
    }
}
