package dev.aegis.history.ingest;

import org.springframework.dao.DataAccessResourceFailureException;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

/** Failures that mean "MongoDB is not reachable right now", as opposed to a bad record. */
final class MongoOutage {

    private MongoOutage() {
    }

    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof MongoTimeoutException
                    || t instanceof MongoSocketException || t instanceof java.util.concurrent.TimeoutException
                    || (t instanceof IllegalStateException && String.valueOf(t.getMessage()).startsWith("Timeout on blocking read"))) {
                return true;
            }
        }
        return false;
    }
}
