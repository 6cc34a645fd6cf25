package dev.sluice.store;

import java.util.function.BiConsumer;

/**
 * Durable key/value metadata kept next to the messages (RocksDB column families). Writes are
 * in RocksDB's WAL before they return, so they survive a process crash (kill -9).
 */
public interface KeyValueStore {

    /** Independent key spaces; each is its own column family. */
    enum Space {
        TOPICS,
        GROUPS,
        /** Consumer progress: ack frontiers, in-flight deliveries. */
        CONSUMER_STATE,
        /** Every delivery attempt of a message and how it ended. */
        DELIVERY_HISTORY,
        /** Which dead-lettered messages were already sent back to their topic. */
        REDRIVES
    }

    byte[] get(Space space, byte[] key);

    void put(Space space, byte[] key, byte[] value);

    void delete(Space space, byte[] key);

    /** Applies every put/delete of the batch atomically. */
    void write(Batch batch);

    /** Visits every entry whose key starts with {@code prefix}, in key order. */
    void scan(Space space, byte[] prefix, BiConsumer<byte[], byte[]> visitor);

    Batch newBatch();

    /** Puts and deletes collected to be written together. */
    interface Batch {
        Batch put(Space space, byte[] key, byte[] value);

        Batch delete(Space space, byte[] key);
    }
}
