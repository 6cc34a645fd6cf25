package dev.sluice.store.commitlog;

import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.StoreException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary encoding of a record's payload (version 1). Big-endian; {@code str16} is an unsigned
 * 16-bit byte count followed by UTF-8, {@code str32} the same with a 32-bit count.
 *
 * <pre>
 *  0  magic 0x53                     23 bornTimestamp long
 *  1  version 1                      31 deliveryTimestamp long
 *  2  queueOffset long   (stamped)   39 topic, messageId, tag, messageGroup, bornHost: str16 each
 * 10  storeTimestamp long (stamped)     keys: u16 count, str16 each
 * 18  queueId int                       userProperties, systemProperties: u16 count, (str16, str32) each
 * 22  kind byte (ordinal)               body: int count, bytes; ends the payload exactly
 * </pre>
 *
 * Encoding happens on the caller's thread before the queue offset is known; the writer then
 * {@link #stamp stamps} the two positions in place. Decoding treats the bytes as untrusted
 * (they may come from a file after a crash) and checks every length against what is left.
 * Stateless and thread-safe.
 */
public final class RecordCodec {

    static final byte MAGIC = 0x53;
    static final byte VERSION = 1;
    private static final int QUEUE_OFFSET_AT = 2;
    private static final int STORE_TIMESTAMP_AT = 10;
    private static final int FIXED_BYTES = 39;
    private static final int MAX_STR16 = 0xFFFF;
    private static final MessageKind[] KINDS = MessageKind.values();

    private RecordCodec() {
    }

    /**
     * Encodes {@code message} with zero queue offset and store timestamp.
     *
     * @throws StoreException INVALID_RECORD when a field is too long for its length prefix
     */
    public static byte[] encode(MessageRecord message) {
        int size = encodedSize(message);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(MAGIC).put(VERSION).putLong(0).putLong(0)
                .putInt(message.queueId())
                .put((byte) message.kind().ordinal())
                .putLong(message.bornTimestamp())
                .putLong(message.deliveryTimestamp());
        putStr16(out, message.topic());
        putStr16(out, message.messageId());
        putStr16(out, message.tag());
        putStr16(out, message.messageGroup());
        putStr16(out, message.bornHost());
        out.putShort((short) message.keys().size());
        for (String key : message.keys()) {
            putStr16(out, key);
        }
        putProperties(out, message.userProperties());
        putProperties(out, message.systemProperties());
        out.putInt(message.body().length).put(message.body());
        return out.array();
    }

    /** Writes the writer-assigned positions into an encoded payload. */
    public static void stamp(byte[] payload, long queueOffset, long storeTimestamp) {
        ByteBuffer.wrap(payload).putLong(QUEUE_OFFSET_AT, queueOffset).putLong(STORE_TIMESTAMP_AT, storeTimestamp);
    }

    public static DecodedRecord decode(byte[] bytes, int offset, int length) throws CorruptRecordException {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length).slice();
        need(in, FIXED_BYTES, "fixed fields");
        if (in.get() != MAGIC) {
            throw new CorruptRecordException("bad magic");
        }
        byte version = in.get();
        if (version != VERSION) {
            throw new CorruptRecordException("unknown record version " + version);
        }
        long queueOffset = in.getLong();
        long storeTimestamp = in.getLong();
        int queueId = in.getInt();
        int kind = in.get();
        if (kind < 0 || kind >= KINDS.length) {
            throw new CorruptRecordException("unknown message kind " + kind);
        }
        long bornTimestamp = in.getLong();
        long deliveryTimestamp = in.getLong();
        String topic = getStr16(in);
        String messageId = getStr16(in);
        String tag = getStr16(in);
        String messageGroup = getStr16(in);
        String bornHost = getStr16(in);
        int keyCount = getCount(in);
        List<String> keys = new ArrayList<>(keyCount);
        for (int i = 0; i < keyCount; i++) {
            keys.add(getStr16(in));
        }
        Map<String, String> userProperties = getProperties(in);
        Map<String, String> systemProperties = getProperties(in);
        need(in, 4, "body length");
        int bodyLength = in.getInt();
        if (bodyLength != in.remaining()) {
            throw new CorruptRecordException("body length " + bodyLength + " but " + in.remaining() + " bytes left");
        }
        byte[] body = new byte[bodyLength];
        in.get(body);
        MessageRecord message = new MessageRecord(topic, queueId, messageId, KINDS[kind], tag, keys, messageGroup,
                deliveryTimestamp, bornTimestamp, bornHost, userProperties, systemProperties, body);
        return new DecodedRecord(message, queueOffset, storeTimestamp);
    }

    private static int encodedSize(MessageRecord m) {
        long size = FIXED_BYTES + str16Size(m.topic()) + str16Size(m.messageId()) + str16Size(m.tag())
                + str16Size(m.messageGroup()) + str16Size(m.bornHost()) + 2L;
        if (m.keys().size() > MAX_STR16) {
            throw invalid("more than " + MAX_STR16 + " keys");
        }
        for (String key : m.keys()) {
            size += str16Size(key);
        }
        size += propertiesSize(m.userProperties()) + propertiesSize(m.systemProperties()) + 4L + m.body().length;
        if (size > Integer.MAX_VALUE - RecordFormat.HEADER_BYTES) {
            throw invalid("record of " + size + " bytes is too large");
        }
        return (int) size;
    }

    private static long propertiesSize(Map<String, String> properties) {
        if (properties.size() > MAX_STR16) {
            throw invalid("more than " + MAX_STR16 + " properties");
        }
        long size = 2;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            size += str16Size(e.getKey()) + 4L + Utf8.length(e.getValue());
        }
        return size;
    }

    private static int str16Size(String s) {
        int length = Utf8.length(s);
        if (length > MAX_STR16) {
            throw invalid("field longer than " + MAX_STR16 + " bytes: " + s.substring(0, 32) + "…");
        }
        return 2 + length;
    }

    private static StoreException invalid(String message) {
        return new StoreException(StoreException.Reason.INVALID_RECORD, message);
    }

    private static void putStr16(ByteBuffer out, String s) {
        int lengthAt = out.position();
        out.putShort((short) 0);
        int written = Utf8.put(out, s);
        out.putShort(lengthAt, (short) written);
    }

    private static void putProperties(ByteBuffer out, Map<String, String> properties) {
        out.putShort((short) properties.size());
        for (Map.Entry<String, String> e : properties.entrySet()) {
            putStr16(out, e.getKey());
            int lengthAt = out.position();
            out.putInt(0);
            out.putInt(lengthAt, Utf8.put(out, e.getValue()));
        }
    }

    private static Map<String, String> getProperties(ByteBuffer in) throws CorruptRecordException {
        int count = getCount(in);
        Map<String, String> properties = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String key = getStr16(in);
            need(in, 4, "property value length");
            int length = in.getInt();
            if (properties.put(key, getString(in, length)) != null) {
                throw new CorruptRecordException("duplicate property " + key);
            }
        }
        return properties;
    }

    private static int getCount(ByteBuffer in) throws CorruptRecordException {
        need(in, 2, "count");
        int count = Short.toUnsignedInt(in.getShort());
        // every counted item takes at least two bytes: a bound before allocating anything
        if (count * 2L > in.remaining()) {
            throw new CorruptRecordException("count " + count + " exceeds the bytes left");
        }
        return count;
    }

    private static String getStr16(ByteBuffer in) throws CorruptRecordException {
        need(in, 2, "string length");
        return getString(in, Short.toUnsignedInt(in.getShort()));
    }

    private static String getString(ByteBuffer in, int length) throws CorruptRecordException {
        if (length < 0 || length > in.remaining()) {
            throw new CorruptRecordException("string length " + length + " exceeds the " + in.remaining() + " bytes left");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static void need(ByteBuffer in, int bytes, String what) throws CorruptRecordException {
        if (in.remaining() < bytes) {
            throw new CorruptRecordException("truncated at " + what);
        }
    }
}
