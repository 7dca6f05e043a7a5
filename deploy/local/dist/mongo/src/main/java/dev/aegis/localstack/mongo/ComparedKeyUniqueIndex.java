package dev.aegis.localstack.mongo;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map.Entry;
import java.util.Set;
import java.util.UUID;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * mongo-java-server's H2 unique index ({@code _id} and every unique index), with keys that H2 can
 * compare without Java serialization.
 *
 * <p>The stock index keys its MVMap by {@code KeyValue}, which is not {@code Comparable}, so H2's
 * {@code ObjectDataType} orders two keys by serializing both with {@code ObjectOutputStream} and
 * comparing the bytes, at every step of every B-tree search. In a JFR profile of the local server
 * taking 32-document {@code insertMany} calls, that was 58 % of its CPU samples
 * ({@code H2UniqueIndex.getPosition} and {@code putKeyPosition}); every lookup by {@code _id}
 * pays it too. {@link KeyType} compares the values of the common key types directly, in an order
 * consistent with their {@code equals}, and falls back to the serialized bytes, as before, for
 * anything else.
 *
 * <p>The order differs from the stock one, so such an index lives in a map of its own name:
 * a file written by the stock index reopens with an empty map here, which mongo-java-server fills
 * from the collection's documents when it opens the index ({@code AbstractMongoCollection.addIndex}),
 * and the stock map is removed.
 */
final class ComparedKeyUniqueIndex extends AbstractUniqueIndex<Object> {

    private final MVMap<KeyValue, Object> map;

    ComparedKeyUniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.map = map;
    }

    static MVMap.Builder<KeyValue, Object> mapBuilder() {
        return new MVMap.Builder<KeyValue, Object>().keyType(new KeyType());
    }

    @Override
    protected Object removeDocument(KeyValue keyValue) {
        return map.remove(keyValue);
    }

    @Override
    protected boolean putKeyPosition(KeyValue keyValue, Object position) {
        return map.putIfAbsent(keyValue, Missing.ofNullable(position)) == null;
    }

    @Override
    protected Iterable<Entry<KeyValue, Object>> getIterable() {
        return map.entrySet();
    }

    @Override
    protected Object getPosition(KeyValue keyValue) {
        return map.get(keyValue);
    }

    @Override
    public long getCount() {
        return map.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    /**
     * Stores keys as BSON arrays; orders them value by value: null first, then by
     * class name, then within a class by its natural order for the classes whose
     * {@code compareTo} agrees with {@code equals}, else by serialized bytes. A total order, and
     * two keys are equal exactly when their values are equal.
     */
    static final class KeyType extends ObjectDataType {

        private static final Set<Class<?>> NATURAL = Set.of(String.class, Long.class, Integer.class, Double.class,
                Boolean.class, UUID.class, ObjectId.class, Instant.class, Date.class);
        private static final String VALUES = "v";

        /** Unused by {@code ObjectDataType}, like {@link BsonDocumentType#TAG_BSON_DOCUMENT}. */
        static final byte TAG_BSON_KEY = 125;

        /**
         * A key's values as a BSON array (Java serialization was the largest cost left on the
         * server's write path); a key the codec cannot encode is serialized as before.
         */
        @Override
        public void write(WriteBuffer buff, Object obj) {
            if (obj instanceof KeyValue key) {
                byte[] bson = BsonDocumentType.encode(new Document(VALUES, key.stream().toList()));
                if (bson != null) {
                    BsonDocumentType.writeBson(buff.put(TAG_BSON_KEY), bson);
                    return;
                }
            }
            super.write(buff, obj);
        }

        @Override
        public Object read(ByteBuffer buff) {
            if (buff.get(buff.position()) != TAG_BSON_KEY) {
                return super.read(buff);
            }
            buff.get();
            return new KeyValue((List<?>) BsonDocumentType.readBson(buff).get(VALUES));
        }

        @Override
        public int compare(Object a, Object b) {
            if (a instanceof KeyValue x && b instanceof KeyValue y) {
                return compareKeys(x, y);
            }
            return super.compare(a, b);
        }

        static int compareKeys(KeyValue x, KeyValue y) {
            int n = Math.min(x.size(), y.size());
            for (int i = 0; i < n; i++) {
                int c = compareValues(x.get(i), y.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.size(), y.size());
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        static int compareValues(Object a, Object b) {
            if (a == b) {
                return 0;
            }
            if (a == null || b == null) {
                return a == null ? -1 : 1;
            }
            if (a.getClass() != b.getClass()) {
                return a.getClass().getName().compareTo(b.getClass().getName());
            }
            // ids and event ids: the common case goes before the set lookup (it showed in the profile)
            if (a instanceof String s) {
                return s.compareTo((String) b);
            }
            if (NATURAL.contains(a.getClass())) {
                return ((Comparable) a).compareTo(b);
            }
            return compareNotNull(serialize(a), serialize(b));
        }
    }
}
