package dev.sluice.store.index;

import dev.sluice.store.MessageRecord;
import dev.sluice.store.kv.Family;
import dev.sluice.store.kv.Keys;
import dev.sluice.store.kv.RocksStore;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Message-id and key lookups in RocksDB. Entries are derived data: written in one batch per
 * writer batch and rebuilt from the commit log after a crash, so they may point at records that
 * are gone or were overwritten; callers check what they read. Topic names and keys never hold a
 * 0x00 byte (the store rejects them), so 0x00 separates the key parts unambiguously.
 *
 * <pre>
 * msgid:  topic 0x00 messageId                        → commitLogOffset (8) frameBytes (4)
 * msgkey: topic 0x00 key 0x00 commitLogOffset (8, BE) → frameBytes (4)
 * </pre>
 * Ids indexed within a window are also kept in {@link RecentIds}, which answers most "was this
 * id stored lately?" questions without RocksDB. Thread-safe.
 */
public final class MessageIndex {

    /** Where a record lives in the commit log. */
    public record Location(long commitLogOffset, int frameBytes) {
    }

    private final RocksStore rocks;
    private final RecentIds recent;

    public MessageIndex(RocksStore rocks, RecentIds recent) {
        this.rocks = rocks;
        this.recent = recent;
    }

    /** Writer thread: adds the entries for one message to {@code batch}. */
    public void add(WriteBatch batch, MessageRecord message, long commitLogOffset, int frameBytes, long storeTimestamp)
            throws RocksDBException {
        recent.add(message.topic(), message.messageId(), storeTimestamp);
        byte[] topicPrefix = prefix(message.topic());
        batch.put(rocks.handle(Family.MESSAGE_ID), concat(topicPrefix, utf8(message.messageId()), 0),
                ByteBuffer.allocate(12).putLong(commitLogOffset).putInt(frameBytes).array());
        if (message.keys().isEmpty()) {
            return;
        }
        byte[] size = ByteBuffer.allocate(4).putInt(frameBytes).array();
        for (String key : message.keys()) {
            byte[] keyPrefix = concat(topicPrefix, utf8(key), 1);
            byte[] full = ByteBuffer.allocate(keyPrefix.length + 8).put(keyPrefix).putLong(commitLogOffset).array();
            batch.put(rocks.handle(Family.MESSAGE_KEY), full, size);
        }
    }

    /** False only when no record with this id was indexed in the topic within the recent-ids window. */
    public boolean mightHoldRecent(String topic, String messageId) {
        return recent.mightContain(topic, messageId, System.currentTimeMillis());
    }

    public Optional<Location> findById(String topic, String messageId) {
        byte[] value = rocks.get(Family.MESSAGE_ID, concat(prefix(topic), utf8(messageId), 0));
        if (value == null || value.length != 12) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        return Optional.of(new Location(in.getLong(), in.getInt()));
    }

    /** Offers the locations of messages with {@code key}, newest first, until {@code visitor} returns false. */
    public void forEachByKey(String topic, String key, Predicate<Location> visitor) {
        byte[] keyPrefix = concat(prefix(topic), utf8(key), 1);
        rocks.scan(Family.MESSAGE_KEY, keyPrefix, true, (k, v) -> {
            if (k.length != keyPrefix.length + 8 || v.length != 4) {
                return true;
            }
            long offset = ByteBuffer.wrap(k, keyPrefix.length, 8).getLong();
            return visitor.test(new Location(offset, ByteBuffer.wrap(v).getInt()));
        });
    }

    /** Drops every entry of a topic. */
    public void deleteTopic(String topic) {
        byte[] from = prefix(topic);
        byte[] to = Keys.prefixUpperBound(from);
        rocks.deleteRange(Family.MESSAGE_ID, from, to, false);
        rocks.deleteRange(Family.MESSAGE_KEY, from, to, false);
    }

    private static byte[] prefix(String topic) {
        return concat(utf8(topic), new byte[0], 1);
    }

    /** {@code a} then {@code b} then {@code trailingZeros} 0x00 bytes. */
    private static byte[] concat(byte[] a, byte[] b, int trailingZeros) {
        byte[] out = new byte[a.length + b.length + trailingZeros];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
