package dev.aegis.localstack.mongo;

import java.nio.ByteBuffer;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Stores a collection's documents as BSON instead of Java serialization.
 *
 * <p>The stock H2 backend stores each document through H2's {@code ObjectDataType}, which writes
 * it with an {@code ObjectOutputStream} of its own (class descriptors included) every time the
 * page holding it is written, and a page is rewritten whenever any document in it changes. In a
 * JFR profile of the local server taking 32-document {@code insertMany} calls, H2's serialization
 * thread held 60 % of the samples once the unique indexes stopped serializing their keys.
 *
 * <p>A document is written as one tag that H2's own format never uses, its length and its BSON,
 * encoded and decoded by mongo-java-server's own wire codec (every stored document is sent to
 * clients through it anyway). Anything else, and a document that the codec cannot encode, is
 * written as before; values written by the stock backend are read as before, so existing files
 * open unchanged and convert page by page as they are rewritten.
 */
final class BsonDocumentType extends ObjectDataType {

    /** Unused by {@code ObjectDataType} (its tags are 0-19, 32-49 and 64-119). */
    static final byte TAG_BSON_DOCUMENT = 126;

    /**
     * A decoded document's heap per byte of its BSON: 4,574 bytes for an 839-byte history record
     * (20,000 decoded, heap measured after GC). H2 sizes its page cache with this estimate; the
     * stock estimate, the Java-serialized size (1,383 bytes for the same record), let a "256 MB"
     * cache hold about three times that much heap (the server then had 768 MB).
     */
    private static final int HEAP_PER_BSON_BYTE = 6;

    /** Bytes of the documents written so far. */
    private volatile int averageSize = 1_000;

    @Override
    public void write(WriteBuffer buff, Object obj) {
        if (obj instanceof Document document) {
            byte[] bson = encode(document);
            if (bson != null) {
                averageSize = (averageSize * 15 + bson.length) / 16;
                writeBson(buff.put(TAG_BSON_DOCUMENT), bson);
                return;
            }
        }
        super.write(buff, obj);
    }

    @Override
    public Object read(ByteBuffer buff) {
        if (buff.get(buff.position()) != TAG_BSON_DOCUMENT) {
            return super.read(buff);
        }
        buff.get();
        return readBson(buff);
    }

    /** Length and BSON, as written after a tag. */
    static void writeBson(WriteBuffer buff, byte[] bson) {
        buff.putVarInt(bson.length).put(bson);
    }

    static Document readBson(ByteBuffer buff) {
        int length = DataUtils.readVarInt(buff);
        ByteBuf bson = Unpooled.wrappedBuffer(buff.slice(buff.position(), length));
        buff.position(buff.position() + length);
        return BsonDecoder.decodeBson(bson);
    }

    @Override
    public int getMemory(Object obj) {
        return obj instanceof Document ? averageSize * HEAP_PER_BSON_BYTE : super.getMemory(obj);
    }

    /** The document's BSON, or null if the codec cannot encode one of its values. */
    static byte[] encode(Document document) {
        ByteBuf out = Unpooled.buffer(256);
        try {
            BsonEncoder.encodeDocument(document, out);
        } catch (RuntimeException notBson) {
            return null;
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }
}
