package dev.sluice.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The broker's storage: an append-only commit log, consume queues derived from it, a
 * message-id/key index and key/value metadata. Knows nothing of gRPC or of consumers.
 *
 * <p>Thread-safety: every method may be called from any thread. Appends are handed to one
 * writer thread; the returned future completes on that thread (or the flush thread for SYNC),
 * so callers must not block in its continuation.
 */
public interface MessageStore extends AutoCloseable {

    /**
     * Appends the records in order as one unit of group commit and assigns each its queue
     * offset. Completes once durable per {@link FlushPolicy}; completes exceptionally with
     * {@link StoreException} when the store cannot take writes (disk full, closed, IO error).
     */
    CompletableFuture<List<PutResult>> append(List<MessageRecord> records);

    /** Offset the next message of this queue will get (= number of messages ever appended). */
    long nextOffset(String topic, int queueId);

    /** Lowest offset still readable (retention moves it forward). */
    long firstOffset(String topic, int queueId);

    /** Up to {@code max} consume-queue entries starting at {@code fromOffset} (clamped to firstOffset). */
    List<QueueEntry> readQueue(String topic, int queueId, long fromOffset, int max);

    /** The message an entry points at; empty if retention already deleted it. */
    Optional<StoredMessage> read(QueueEntry entry);

    /** The newest stored copy of a message by its id within a topic. */
    Optional<StoredMessage> findById(String topic, String messageId);

    /**
     * Like {@link #findById}, but looks only among messages stored within the recent-id window
     * ({@link StoreConfig#recentIdWindow()}), which costs a read or two however long the store
     * keeps messages.
     */
    Optional<StoredMessage> findRecentById(String topic, String messageId);

    /**
     * False only when no message with this id was stored in the topic within the recent-id window
     * ({@link StoreConfig#recentIdWindow()}); answered from memory, so a caller that only cares
     * about recent copies can skip {@link #findById} for ids it has never seen.
     */
    boolean mightHoldRecentId(String topic, String messageId);

    /** Messages of a topic carrying {@code key}, newest first, at most {@code max}. */
    List<StoredMessage> findByKey(String topic, String key, int max);

    void addDispatchListener(DispatchListener listener);

    void setRetentionGuard(RetentionGuard guard);

    /** Forgets a topic's consume queues (its commit log records age out with retention). */
    void deleteTopic(String topic);

    KeyValueStore kv();

    StoreStats stats();

    /**
     * Native memory of the RocksDB indexes and state: memtables, the block cache, and table-file
     * index and filter blocks held outside it. Asks RocksDB each time: for metrics, not hot paths.
     */
    long indexMemoryBytes();

    /**
     * The I/O error after which the store accepts no more writes (see {@link AppendWorker});
     * empty while it works. Only a restart, and the recovery it runs, clears it.
     */
    Optional<StoreException> failure();

    @Override
    void close();
}
