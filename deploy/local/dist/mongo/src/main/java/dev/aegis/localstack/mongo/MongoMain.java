package dev.aegis.localstack.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * mongo-java-server on an H2 file, as its own process: {@code MongoMain <host> <port> <file.mv>}.
 * No oplog: Aegis feeds live updates from Kafka, never from change streams, and keeping the oplog
 * halved the insert rate of this server (168 vs 309 documents/s measured with 5,000 inserts).
 */
public final class MongoMain {

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 27027;
        Path file = Path.of(args.length > 2 ? args[2] : "mongo.mv").toAbsolutePath();
        Files.createDirectories(file.getParent());
        H2Backend backend = new H2Backend(file.toString());
        MongoServer server = new MongoServer(backend);
        server.bind(host, port);
        System.out.println("mongo-java-server listening on " + host + ":" + port + " file " + file);
        CountDownLatch stopped = new CountDownLatch(1);
        // TERM: close the H2 store cleanly so the .mv file is never left half-written
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            stopped.countDown();
        }));
        stopped.await();
    }
}
