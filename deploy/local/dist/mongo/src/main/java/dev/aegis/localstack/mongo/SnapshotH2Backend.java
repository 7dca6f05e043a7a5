package dev.aegis.localstack.mongo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;

/**
 * mongo-java-server's H2 backend with four fixes of our own (the third, <b>id-bounded queries</b>,
 * is described on {@code queryDocuments} below; the fourth, <b>no Java serialization on the write
 * path</b>, on {@link ComparedKeyUniqueIndex} and {@link BsonDocumentType}).
 *
 * <p><b>Snapshot pinning.</b> The stock backend iterates H2 MVStore maps without registering the
 * version it reads. A scan works on the map's root of one store version while MVStore's background
 * housekeeping (auto-compaction) and other writers move on; once a chunk holding pages of that
 * old version is older than the retention time and unused for more than 5 versions, it is dropped
 * and its space reused, and the scan fails with {@code Chunk N not found} (H2 issues #2118, #4383;
 * still open in 2.5.x). That is what broke every page query over 100k history records. Each
 * OP_MSG command (every command of the 4.x/5.x drivers) and each legacy OP_QUERY now runs with
 * {@link MVStore#registerVersionUsage()} held, as H2's own transactions do, so nothing it can read
 * is reclaimed before it returns (legacy {@code $cmd} queries, i.e. an old driver's handshake,
 * stay unpinned: they read no collection). Query results are fully materialised inside the command (cursors
 * hand out in-memory lists), so getMore needs no pin.
 *
 * <p><b>Bounded sort.</b> The stock backend sorts every matching document and then applies the
 * limit, holding the whole collection on the heap for a page of 20 (about 450 MB at 100k history
 * records, which ran the server out of memory). A sorted query with a small limit now keeps only
 * the best {@code skip + limit} documents (ties in scan order, like the stable sort it replaces),
 * then hands them to the stock code for the final sort, skip, limit and projection.
 */
final class SnapshotH2Backend extends H2Backend {

    /** Above this, the stock full sort is used: a bounded heap would not save much. */
    private static final int MAX_BOUNDED_SORT = 10_000;

    // same map names as H2Database, so existing files open unchanged
    private static final String DATA_PREFIX = "databases.";
    private static final String META_PREFIX = "meta.";
    private static final String STOCK_INDEX_INFIX = "._index_";
    private static final String INDEX_INFIX = "._keyindex_";

    SnapshotH2Backend(MVStore store) {
        super(store);
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        MVStore.TxCounter pin = getMvStore().registerVersionUsage();
        try {
            return super.handleMessage(message);
        } finally {
            getMvStore().deregisterVersionUsage(pin);
        }
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        MVStore.TxCounter pin = getMvStore().registerVersionUsage();
        try {
            return super.handleQuery(query);
        } finally {
            getMvStore().deregisterVersionUsage(pin);
        }
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName);
    }

    private final class Database extends H2Database {

        Database(String name) {
            super(name, SnapshotH2Backend.this.getMvStore(), SnapshotH2Backend.this.getCursorRegistry());
        }

        /** See {@link ComparedKeyUniqueIndex}: its own map name, the stock one is dropped. */
        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                        boolean sparse) {
            MVStore store = SnapshotH2Backend.this.getMvStore();
            String stock = getFullCollectionNamespace(collectionName) + STOCK_INDEX_INFIX + indexName;
            if (store.hasMap(stock)) {
                store.removeMap(stock);
            }
            MVMap<KeyValue, Object> map = store.openMap(indexMapName(collectionName, indexName),
                    ComparedKeyUniqueIndex.mapBuilder());
            return new ComparedKeyUniqueIndex(map, indexName, keys, sparse);
        }

        @Override
        protected void dropIndex(MongoCollection<Object> collection, String indexName) {
            super.dropIndex(collection, indexName);
            SnapshotH2Backend.this.getMvStore().removeMap(indexMapName(collection.getCollectionName(), indexName));
        }

        private String indexMapName(String collectionName, String indexName) {
            return getFullCollectionNamespace(collectionName) + INDEX_INFIX + indexName;
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            MVStore store = SnapshotH2Backend.this.getMvStore();
            String fullName = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> dataMap = store.openMap(DATA_PREFIX + fullName,
                    new MVMap.Builder<Object, Document>().valueType(new BsonDocumentType()));
            MVMap<String, Object> metaMap = store.openMap(META_PREFIX + fullName);
            return new BoundedSortCollection(this, collectionName, options, dataMap, metaMap);
        }
    }

    private final class BoundedSortCollection extends H2Collection {

        BoundedSortCollection(MongoDatabase database, String name, CollectionOptions options,
                              MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap) {
            super(database, name, options, dataMap, metaMap, SnapshotH2Backend.this.getCursorRegistry());
        }

        private record Ranked(Document document, long seq) {
        }

        /**
         * The stock code uses a unique index only when the query names exactly the index's keys, so
         * {@code {_id: x, status: "PENDING"}} - every conditional update by id - scanned the whole
         * collection (most of the local server's CPU per prediction). MongoDB bounds such a query
         * by the {@code _id} index and filters the candidates with the rest; so does this, for an
         * {@code _id} condition at the top level or in a top-level {@code $and} (the Java driver's
         * {@code Filters.and} always renders one).
         */
        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
                                             Document fieldSelector) {
            Object id = idCondition(query);
            if (id != null) {
                Document byId = new Document(getIdField(), id);
                for (Index<Object> index : getIndexes()) {
                    if (index.canHandle(byId)) {
                        return matchDocuments(query, index.getPositions(byId), orderBy, skip, limit, batchSize,
                                fieldSelector);
                    }
                }
            }
            return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
        }

        /** The {@code _id} condition every match must meet, if the query has one. */
        private Object idCondition(Document query) {
            if (query.get(getIdField()) != null) {
                return query.get(getIdField());
            }
            if (query.get("$and") instanceof List<?> clauses) {
                for (Object clause : clauses) {
                    if (clause instanceof Document d && d.get(getIdField()) != null) {
                        return d.get(getIdField());
                    }
                }
            }
            return null;
        }

        @Override
        protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
                                             Document fieldSelector) {
            Comparator<Document> comparator = deriveComparator(orderBy);
            if (comparator == null || limit <= 0 || skip < 0 || (long) skip + limit > MAX_BOUNDED_SORT) {
                return super.matchDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
            }
            int keep = skip + limit;
            Comparator<Ranked> order = Comparator.comparing(Ranked::document, comparator).thenComparingLong(Ranked::seq);
            PriorityQueue<Ranked> worstFirst = new PriorityQueue<>(keep + 1, order.reversed());
            long[] seq = {0};
            streamAllDocumentsWithPosition().forEach(candidate -> {
                Document document = candidate.getDocument();
                if (!documentMatchesQuery(document, query)) {
                    return;
                }
                Ranked ranked = new Ranked(document, seq[0]++);
                if (worstFirst.size() < keep) {
                    worstFirst.add(ranked);
                } else if (order.compare(ranked, worstFirst.peek()) < 0) {
                    worstFirst.poll();
                    worstFirst.add(ranked);
                }
            });
            List<Ranked> best = new ArrayList<>(worstFirst);
            best.sort(order);
            return matchDocumentsFromStream(query, best.stream().map(Ranked::document), skip, limit, batchSize,
                    comparator, fieldSelector);
        }
    }
}
