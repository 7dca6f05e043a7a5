import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/**
 * mongo-java-server's own H2 backend, without Aegis's changes: writes files the way the local
 * server wrote them before (LocalMongoStorageTest opens them with the current server). Run with
 * the source launcher on the installed server's class path: java -cp '.aegis/dist/mongo/lib/*'
 * StockH2Server.java <port> <file.mv>
 */
public class StockH2Server {

    public static void main(String[] args) throws Exception {
        MongoServer server = new MongoServer(new H2Backend(args[1]));
        server.bind("127.0.0.1", Integer.parseInt(args[0]));
        // TERM: closes the H2 store cleanly
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        Thread.currentThread().join();
    }
}
