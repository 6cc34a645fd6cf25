package dev.sluice.broker.timer;

import dev.sluice.store.DispatchListener;
import dev.sluice.store.KeyValueStore;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.MessageStore;
import dev.sluice.store.PutResult;
import dev.sluice.store.QueueEntry;
import dev.sluice.store.RetentionGuard;
import dev.sluice.store.StoreException;
import dev.sluice.store.StoreStats;
import dev.sluice.store.StoredMessage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store that also records every append of due scheduled messages (the timer thread's
 * deliveries): its size, where it landed, and how many were in flight at once. Everything else
 * passes straight through.
 */
final class ObservedStore implements MessageStore {

    /** One finished delivery append: its size and its first and last commit-log offsets. */
    record Append(int size, long firstOffset, long lastOffset) {
    }

    private final MessageStore store;
    private final ConcurrentLinkedQueue<Append> appends = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    ObservedStore(MessageStore store) {
        this.store = store;
    }

    List<Append> appends() {
        return List.copyOf(appends);
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public CompletableFuture<List<PutResult>> append(List<MessageRecord> records) {
        if (records.isEmpty() || !records.get(0).systemProperties().containsKey(TimerService.FIRED_FROM)) {
            return store.append(records);
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        return store.append(records).whenComplete((results, error) -> {
            inFlight.decrementAndGet();
            if (error == null) {
                appends.add(new Append(results.size(), results.get(0).commitLogOffset(),
                        results.get(results.size() - 1).commitLogOffset()));
            }
        });
    }

    @Override
    public long nextOffset(String topic, int queueId) {
        return store.nextOffset(topic, queueId);
    }

    @Override
    public long firstOffset(String topic, int queueId) {
        return store.firstOffset(topic, queueId);
    }

    @Override
    public List<QueueEntry> readQueue(String topic, int queueId, long fromOffset, int max) {
        return store.readQueue(topic, queueId, fromOffset, max);
    }

    @Override
    public Optional<StoredMessage> read(QueueEntry entry) {
        return store.read(entry);
    }

    @Override
    public Optional<StoredMessage> findById(String topic, String messageId) {
        return store.findById(topic, messageId);
    }

    @Override
    public Optional<StoredMessage> findRecentById(String topic, String messageId) {
        return store.findRecentById(topic, messageId);
    }

    @Override
    public boolean mightHoldRecentId(String topic, String messageId) {
        return store.mightHoldRecentId(topic, messageId);
    }

    @Override
    public List<StoredMessage> findByKey(String topic, String key, int max) {
        return store.findByKey(topic, key, max);
    }

    @Override
    public void addDispatchListener(DispatchListener listener) {
        store.addDispatchListener(listener);
    }

    @Override
    public void setRetentionGuard(RetentionGuard guard) {
        store.setRetentionGuard(guard);
    }

    @Override
    public void deleteTopic(String topic) {
        store.deleteTopic(topic);
    }

    @Override
    public KeyValueStore kv() {
        return store.kv();
    }

    @Override
    public StoreStats stats() {
        return store.stats();
    }

    @Override
    public long indexMemoryBytes() {
        return store.indexMemoryBytes();
    }

    @Override
    public Optional<StoreException> failure() {
        return store.failure();
    }

    @Override
    public void close() {
        store.close();
    }
}
