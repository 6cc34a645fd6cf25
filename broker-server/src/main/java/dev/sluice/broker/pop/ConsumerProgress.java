package dev.sluice.broker.pop;

import dev.sluice.broker.history.DeliveryHistory;
import dev.sluice.store.KeyValueStore;
import dev.sluice.store.MessageStore;
import java.util.Collection;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * Every consumer group's progress on every queue it has read, loaded from the key/value store
 * at start-up. A group that reads a queue for the first time starts at the oldest message still
 * stored, so nothing sent before the group existed is skipped.
 */
final class ConsumerProgress {

    private final MessageStore store;
    private final ConsumerStateStore persistence;
    private final DeliveryHistory history;
    private final ConcurrentMap<QueueKey, QueueConsumerState> states = new ConcurrentHashMap<>();

    ConsumerProgress(MessageStore store, KeyValueStore kv, DeliveryHistory history) {
        this.store = store;
        this.persistence = new ConsumerStateStore(kv);
        this.history = history;
        persistence.loadAll().forEach((key, loaded) -> states.put(key,
                new QueueConsumerState(key, persistence, history, store, loaded.frontier(), loaded.slots())));
    }

    QueueConsumerState get(QueueKey key) {
        return states.computeIfAbsent(key, k -> {
            long start = store.firstOffset(k.topic(), k.queueId());
            persistence.change(k).frontier(start).commit();
            return new QueueConsumerState(k, persistence, history, store, start, new TreeMap<>());
        });
    }

    QueueConsumerState find(QueueKey key) {
        return states.get(key);
    }

    Collection<QueueConsumerState> all() {
        return states.values();
    }

    /** Drops (from memory and disk) the progress of every queue the predicate selects. */
    void forget(Predicate<QueueKey> which) {
        states.values().removeIf(state -> {
            if (!which.test(state.key())) {
                return false;
            }
            persistence.forget(state.key(), state.slotOffsets());
            return true;
        });
    }
}
