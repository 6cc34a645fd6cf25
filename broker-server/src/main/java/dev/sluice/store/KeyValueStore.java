package dev.sluice.store;

import java.util.concurrent.CompletableFuture;
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
        REDRIVES,
        /** Scheduled messages not yet due, ordered by due time. */
        TIMERS,
        /** Transactional half messages and how each transaction ended. */
        TRANSACTIONS
    }

    byte[] get(Space space, byte[] key);

    void put(Space space, byte[] key, byte[] value);

    void delete(Space space, byte[] key);

    /** Applies every put/delete of the batch atomically; returns once it is durable as configured. */
    void write(Batch batch);

    /**
     * Applies the batch atomically without waiting: the future completes once it is durable as
     * configured. Batches handed over together from many threads share one write to disk; all
     * batches, whether from {@link #write} or from here, are applied in the order they came.
     */
    CompletableFuture<Void> writeLater(Batch batch);

    /** Visits every entry whose key starts with {@code prefix}, in key order. */
    void scan(Space space, byte[] prefix, BiConsumer<byte[], byte[]> visitor);

    /**
     * Visits the entries whose key starts with {@code prefix} and is at least {@code from}, in
     * key order, while the visitor returns true. Seeking past {@code from} skips the deleted keys
     * in front of it, which a queue-like key space accumulates.
     */
    void scanFrom(Space space, byte[] prefix, byte[] from, EntryVisitor visitor);

    Batch newBatch();

    /** Receives one entry of a scan; returns whether to continue. */
    @FunctionalInterface
    interface EntryVisitor {
        boolean visit(byte[] key, byte[] value);
    }

    /** Puts and deletes collected to be written together. */
    interface Batch {
        Batch put(Space space, byte[] key, byte[] value);

        Batch delete(Space space, byte[] key);

        /**
         * Deletes every key in {@code [from, to)}: one range tombstone where deleting a run of
         * keys one by one would leave a tombstone per key for later reads to skip.
         */
        Batch deleteRange(Space space, byte[] from, byte[] to);
    }
}
