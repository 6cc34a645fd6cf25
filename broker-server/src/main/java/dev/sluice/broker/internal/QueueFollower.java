package dev.sluice.broker.internal;

import dev.sluice.store.KeyValueStore;
import dev.sluice.store.MessageStore;
import dev.sluice.store.QueueEntry;
import dev.sluice.store.StoredMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derives key/value state from the messages of an internal topic (queue 0), the way consume
 * queues derive from the commit log: the messages are the durable truth, and each batch of
 * derived entries is written together with the position it reached. A crash between a message's
 * append and its derived entries therefore loses nothing: the next follow picks the message up.
 *
 * <p>Not thread-safe: one owner thread calls everything except {@link #position()}.
 */
public final class QueueFollower {

    /** Turns one internal message into derived entries of {@code batch}. */
    @FunctionalInterface
    public interface Indexer {
        void index(StoredMessage message, KeyValueStore.Batch batch);
    }

    /** Writes a batch the indexer filled (adding whatever else must change with it). */
    @FunctionalInterface
    public interface BatchWriter {
        void write(KeyValueStore.Batch batch);
    }

    private static final Logger log = LoggerFactory.getLogger(QueueFollower.class);
    private static final int BATCH = 512;

    private final MessageStore store;
    private final String topic;
    private final KeyValueStore.Space space;
    private final byte[] positionKey;
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
    private volatile long position;

    public QueueFollower(MessageStore store, String topic, KeyValueStore.Space space, byte[] positionKey) {
        this.store = store;
        this.topic = topic;
        this.space = space;
        this.positionKey = positionKey.clone();
        byte[] stored = store.kv().get(space, positionKey);
        this.position = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
    }

    /** Offsets below this one have their derived entries written. */
    public long position() {
        return position;
    }

    /**
     * Derives entries for up to {@code maxMessages} messages stored since the last call, then
     * releases waiters. The limit lets the owner interleave its other work with a long backlog.
     *
     * @return true when every stored message now has its entries
     */
    public boolean follow(Indexer indexer, BatchWriter writer, int maxMessages) {
        boolean caughtUp = false;
        int followed = 0;
        while (followed < maxMessages) {
            List<QueueEntry> entries = store.readQueue(topic, 0, position, Math.min(BATCH, maxMessages - followed));
            if (entries.isEmpty()) {
                caughtUp = true;
                break;
            }
            KeyValueStore.Batch batch = store.kv().newBatch();
            for (QueueEntry entry : entries) {
                store.read(entry).ifPresentOrElse(message -> indexer.index(message, batch),
                        () -> log.error("{} message at offset {} is unreadable; skipped", topic, entry.queueOffset()));
            }
            long next = entries.get(entries.size() - 1).queueOffset() + 1;
            batch.put(space, positionKey, ByteBuffer.allocate(8).putLong(next).array());
            writer.write(batch);
            followed += entries.size();
            position = next;
        }
        while (!waiters.isEmpty() && waiters.firstKey() < position) {
            waiters.pollFirstEntry().getValue().forEach(w -> w.complete(null));
        }
        return caughtUp;
    }

    /** Completes once the message at {@code offset} has its derived entries. */
    public CompletableFuture<Void> followed(long offset) {
        if (offset < position) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiters.computeIfAbsent(offset, k -> new ArrayList<>()).add(done);
        return done;
    }

    /** Fails everything still waiting (the owner is stopping). */
    public void abandon(RuntimeException reason) {
        waiters.values().forEach(list -> list.forEach(w -> w.completeExceptionally(reason)));
        waiters.clear();
    }

    /** The internal message at {@code offset}, if it is still stored. */
    public java.util.Optional<StoredMessage> read(long offset) {
        List<QueueEntry> entries = store.readQueue(topic, 0, offset, 1);
        if (entries.isEmpty() || entries.get(0).queueOffset() != offset) {
            return java.util.Optional.empty();
        }
        return store.read(entries.get(0));
    }
}
