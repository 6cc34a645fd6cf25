package dev.sluice.store.index;

import dev.sluice.store.MessageRecord;
import dev.sluice.store.kv.Family;
import dev.sluice.store.kv.Keys;
import dev.sluice.store.kv.RocksStore;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Message-id and key lookups in RocksDB. Entries are derived data: written in one batch per
 * writer batch and rebuilt from the commit log after a crash, so they may point at records that
 * are gone or were overwritten; callers check what they read. Topic names and keys never hold a
 * 0x00 byte (the store rejects them), so 0x00 separates the key parts unambiguously.
 *
 * <pre>
 * message_id:  generation (4) topicCrc (4) topic 0x00 messageId                        → commitLogOffset (8) frameBytes (4)
 * message_key: generation (4) topicCrc (4) topic 0x00 key 0x00 commitLogOffset (8, BE) → frameBytes (4)
 * </pre>
 * The topic's CRC-32C gives each topic a fixed-length prefix, by which RocksDB remembers where the
 * topic's last id went in the memtable ({@code RocksStore}).
 *
 * <p>The generation is the hour the record was stored in. Retention deletes whole commit-log
 * segments, oldest first; the entries of the hours it emptied go with one range deletion instead
 * of one tombstone per message, so the index does not outgrow the log it points into. A lookup
 * asks each generation, newest first: one point read per hour of stored messages.
 *
 * <p>Ids indexed within a window are also kept in {@link RecentIds}, which answers most "was this
 * id stored lately?" questions without RocksDB. Thread-safe; {@link #add}, {@link #deleteTopic}
 * and {@link #dropStoredBefore} run on the writer thread.
 */
public final class MessageIndex {

    static final long GENERATION_MILLIS = 3_600_000;

    /** Where a record lives in the commit log. */
    public record Location(long commitLogOffset, int frameBytes) {
    }

    private final RocksStore rocks;
    private final RecentIds recent;
    /** The generations that may hold entries, in order. */
    private final NavigableSet<Integer> generations = new ConcurrentSkipListSet<>();
    /** Writer thread: the generation of the last entry added, to skip the set for the rest of the hour. */
    private int lastGeneration = -1;

    /** Opens the index; ids stored within {@code recentIdWindow} are also kept in {@link RecentIds}. */
    public MessageIndex(RocksStore rocks, Duration recentIdWindow, long nowMillis) {
        this.rocks = rocks;
        loadGenerations();
        // nothing indexed before this start was stored after the end of the newest generation
        this.recent = new RecentIds(recentIdWindow, nowMillis, generations.isEmpty() ? OptionalLong.empty()
                : OptionalLong.of((generations.last() + 1L) * GENERATION_MILLIS));
    }

    private void loadGenerations() {
        byte[] key = firstKeyFrom(Family.MESSAGE_ID, generationBytes(0));
        while (key != null && key.length >= 4 && key[0] == 0) {
            int generation = ByteBuffer.wrap(key, 0, 4).getInt();
            generations.add(generation);
            key = firstKeyFrom(Family.MESSAGE_ID, generationBytes(generation + 1));
        }
    }

    private byte[] firstKeyFrom(Family family, byte[] from) {
        byte[][] first = {null};
        rocks.scanFrom(family, new byte[0], from, (k, v) -> {
            first[0] = k;
            return false;
        });
        return first[0];
    }

    static int generation(long storeTimestamp) {
        return (int) Math.max(0, storeTimestamp / GENERATION_MILLIS);
    }

    private static byte[] generationBytes(int generation) {
        return ByteBuffer.allocate(4).putInt(generation).array();
    }

    /** Writer thread: adds the entries for one message to {@code batch}. */
    public void add(WriteBatch batch, MessageRecord message, long commitLogOffset, int frameBytes, long storeTimestamp)
            throws RocksDBException {
        recent.add(message.topic(), message.messageId(), storeTimestamp);
        int generation = generation(storeTimestamp);
        if (generation != lastGeneration) {
            generations.add(generation);
            lastGeneration = generation;
        }
        byte[] topicPrefix = prefix(generation, message.topic());
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

    /** The newest entry for the id, in any generation. */
    public Optional<Location> findById(String topic, String messageId) {
        return find(topic, messageId, 0);
    }

    /** The newest entry for the id among records stored within the recent-ids window before {@code nowMillis}. */
    public Optional<Location> findRecentById(String topic, String messageId, long nowMillis) {
        return find(topic, messageId, generation(nowMillis - recent.windowMillis()));
    }

    private Optional<Location> find(String topic, String messageId, int oldestGeneration) {
        byte[] key = concat(prefix(0, topic), utf8(messageId), 0);
        for (int generation : generations.tailSet(oldestGeneration, true).descendingSet()) {
            ByteBuffer.wrap(key).putInt(generation);
            byte[] value = rocks.get(Family.MESSAGE_ID, key);
            if (value != null && value.length == 12) {
                ByteBuffer in = ByteBuffer.wrap(value);
                return Optional.of(new Location(in.getLong(), in.getInt()));
            }
        }
        return Optional.empty();
    }

    /** Offers the locations of messages with {@code key}, newest first, until {@code visitor} returns false. */
    public void forEachByKey(String topic, String key, Predicate<Location> visitor) {
        boolean[] more = {true};
        for (int generation : generations.descendingSet()) {
            byte[] keyPrefix = concat(prefix(generation, topic), utf8(key), 1);
            rocks.scan(Family.MESSAGE_KEY, keyPrefix, true, (k, v) -> {
                if (k.length != keyPrefix.length + 8 || v.length != 4) {
                    return true;
                }
                long offset = ByteBuffer.wrap(k, keyPrefix.length, 8).getLong();
                more[0] = visitor.test(new Location(offset, ByteBuffer.wrap(v).getInt()));
                return more[0];
            });
            if (!more[0]) {
                return;
            }
        }
    }

    /** Writer thread: drops every entry of a topic. */
    public void deleteTopic(String topic) {
        for (int generation : generations) {
            byte[] from = prefix(generation, topic);
            byte[] to = Keys.prefixUpperBound(from);
            rocks.deleteRange(Family.MESSAGE_ID, from, to, false);
            rocks.deleteRange(Family.MESSAGE_KEY, from, to, false);
        }
    }

    /**
     * Writer thread: retention deleted every record stored up to {@code deletedUpToMillis}. Drops
     * the generations at least an hour older than that, so a record stored just before a segment
     * was closed and written just after it keeps its entries.
     */
    public void dropStoredBefore(long deletedUpToMillis) {
        int below = generation(deletedUpToMillis) - 1;
        if (generations.isEmpty() || generations.first() >= below) {
            return;
        }
        rocks.deleteRange(Family.MESSAGE_ID, generationBytes(0), generationBytes(below), false);
        rocks.deleteRange(Family.MESSAGE_KEY, generationBytes(0), generationBytes(below), false);
        generations.headSet(below).clear();
    }

    /** {@code generation topicCrc topic 0x00}: where the topic's entries of one generation start. */
    private static byte[] prefix(int generation, String topic) {
        byte[] name = utf8(topic);
        CRC32C crc = new CRC32C();
        crc.update(name);
        return ByteBuffer.allocate(8 + name.length + 1).putInt(generation).putInt((int) crc.getValue()).put(name).array();
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
