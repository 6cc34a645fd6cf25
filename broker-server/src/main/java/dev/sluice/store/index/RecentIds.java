package dev.sluice.store.index;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The (topic, message id) pairs indexed within a window, as Bloom filters, so that the dedup check
 * of a send with a new id (nearly every send) skips the message-id index: that RocksDB read of a
 * key that is not there cost ~9 % of the server's CPU with sends spread over 1,000 topics. A
 * filter says "maybe" for every pair it holds and for about 1 % of the others; a maybe is looked
 * up in the index as before.
 *
 * <p>Pairs indexed before this process started are in no filter, so a "no" is trusted only from
 * one window after the start. A filter is sized from the rate its predecessor saw and sealed when its
 * window is over or it is full; a sealed filter is dropped once everything in it is older than the
 * window. Past a budget of ids in all filters (50 million, ~60 MB) the oldest go, and "no" is not trusted again
 * until what they held has aged out. Thread-safe.
 */
public final class RecentIds {

    private static final double FALSE_POSITIVE_RATE = 0.01;
    private static final long MIN_IDS_PER_FILTER = 1 << 16;
    /** ~1.2 bytes per id at 1 %: 60 MB of heap. */
    private static final long MAX_IDS = 50_000_000;

    private static final Funnel<TopicId> FUNNEL = (pair, into) -> into.putString(pair.topic(), StandardCharsets.UTF_8)
            .putByte((byte) 0).putString(pair.messageId(), StandardCharsets.UTF_8);

    private record TopicId(String topic, String messageId) {
    }

    private record Filter(BloomFilter<TopicId> ids, long capacity, long startMillis, AtomicLong added) {
        boolean full() {
            return added.get() >= capacity;
        }
    }

    private record Sealed(Filter filter, long sealedMillis) {
    }

    private final long windowMillis;
    private final long maxIds;
    /** Held to add an id, taken exclusively to seal the filter it goes to. */
    private final ReadWriteLock sealing = new ReentrantReadWriteLock();
    private volatile long trustedFromMillis;
    private volatile Filter current;
    private volatile List<Sealed> sealed = List.of();

    public RecentIds(Duration window, long nowMillis) {
        this(window, nowMillis, MAX_IDS);
    }

    RecentIds(Duration window, long nowMillis, long maxIds) {
        this.windowMillis = window.toMillis();
        this.maxIds = maxIds;
        this.trustedFromMillis = nowMillis + windowMillis;
        this.current = newFilter(MIN_IDS_PER_FILTER, nowMillis);
    }

    void add(String topic, String messageId, long nowMillis) {
        if (windowMillis <= 0) {
            return;
        }
        current(nowMillis);
        sealing.readLock().lock();
        try {
            Filter filter = current;
            filter.ids().put(new TopicId(topic, messageId));
            filter.added().incrementAndGet();
        } finally {
            sealing.readLock().unlock();
        }
    }

    /** False only when the pair was certainly not added within the window. */
    boolean mightContain(String topic, String messageId, long nowMillis) {
        TopicId pair = new TopicId(topic, messageId);
        if (windowMillis <= 0 || nowMillis < trustedFromMillis || current(nowMillis).ids().mightContain(pair)) {
            return true;
        }
        for (Sealed older : sealed) {
            if (older.filter().ids().mightContain(pair)) {
                return true;
            }
        }
        return false;
    }

    private Filter current(long nowMillis) {
        Filter filter = current;
        if (nowMillis - filter.startMillis() < windowMillis && !filter.full()) {
            return filter;
        }
        sealing.writeLock().lock();
        try {
            if (current == filter) {
                seal(filter, nowMillis);
            }
            return current;
        } finally {
            sealing.writeLock().unlock();
        }
    }

    private void seal(Filter full, long nowMillis) {
        List<Sealed> kept = new ArrayList<>();
        for (Sealed older : sealed) {
            if (nowMillis - older.sealedMillis() < windowMillis) {
                kept.add(older);
            }
        }
        kept.add(new Sealed(full, nowMillis));
        long elapsed = Math.max(1, nowMillis - full.startMillis());
        long perWindow = full.added().get() * windowMillis / elapsed;
        long capacity = Math.max(MIN_IDS_PER_FILTER, Math.min(maxIds / 2, perWindow + perWindow / 2));
        long total = capacity + kept.stream().mapToLong(s -> s.filter().capacity()).sum();
        while (total > maxIds && !kept.isEmpty()) {
            Sealed dropped = kept.remove(0);
            total -= dropped.filter().capacity();
            trustedFromMillis = Math.max(trustedFromMillis, dropped.sealedMillis() + windowMillis);
        }
        sealed = List.copyOf(kept);
        current = newFilter(capacity, nowMillis);
    }

    private static Filter newFilter(long capacity, long nowMillis) {
        return new Filter(BloomFilter.create(FUNNEL, capacity, FALSE_POSITIVE_RATE), capacity, nowMillis,
                new AtomicLong());
    }
}
