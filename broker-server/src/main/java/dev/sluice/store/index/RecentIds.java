package dev.sluice.store.index;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The (topic, message id) pairs indexed within a window, in Bloom filters, so that the dedup check
 * of a send with a new id (nearly every send) skips the message-id index: that RocksDB read of a
 * key that is not there cost ~9 % of the server's CPU with sends spread over 1,000 topics. A
 * filter says "maybe" for every pair it holds and for about 1 % of the others; a maybe is looked
 * up in the index as before.
 *
 * <p>Pairs indexed before this process started are in no filter, so a "no" is trusted only from
 * one window after the newest of them was stored: at once for a new store, which is what a
 * benchmark or a new deployment starts with. A filter is sized from the rate its predecessor saw
 * and sealed when its window is over or it is full; a sealed filter is dropped once everything
 * in it is older than the window. Past a budget of ids in all filters (50 million, ~75 MB) the
 * oldest go, and "no" is not trusted again until what they held has aged out.
 *
 * <p>Threading: the store's writer thread adds (and seals); any thread asks. A question racing the
 * add of the same pair may get "no": the caller's claim on the id covers that time.
 */
public final class RecentIds {

    private static final long MIN_IDS_PER_FILTER = 1 << 16;
    private static final long MAX_IDS = 50_000_000;

    private static final class Filter {
        final BlockedBloomFilter bits;
        final long capacity;
        final long startMillis;
        /** Writer thread only. */
        long added;

        Filter(long capacity, long startMillis) {
            this.bits = new BlockedBloomFilter(capacity);
            this.capacity = capacity;
            this.startMillis = startMillis;
        }
    }

    private record Sealed(Filter filter, long sealedMillis) {
    }

    private final long windowMillis;
    private final long maxIds;
    private volatile long trustedFromMillis;
    private volatile Filter current;
    private volatile List<Sealed> sealed = List.of();

    /**
     * @param indexedBeforeUpTo a time at or after which no pair indexed before this process
     *                          started was stored; empty when none was
     */
    public RecentIds(Duration window, long nowMillis, OptionalLong indexedBeforeUpTo) {
        this(window, nowMillis, indexedBeforeUpTo, MAX_IDS);
    }

    RecentIds(Duration window, long nowMillis, OptionalLong indexedBeforeUpTo, long maxIds) {
        this.windowMillis = window.toMillis();
        this.maxIds = maxIds;
        this.trustedFromMillis = indexedBeforeUpTo.isPresent() ? indexedBeforeUpTo.getAsLong() + windowMillis
                : Long.MIN_VALUE;
        this.current = new Filter(MIN_IDS_PER_FILTER, nowMillis);
    }

    long windowMillis() {
        return windowMillis;
    }

    /** Writer thread. */
    void add(String topic, String messageId, long nowMillis) {
        if (windowMillis <= 0) {
            return;
        }
        Filter filter = current;
        if (nowMillis - filter.startMillis >= windowMillis || filter.added >= filter.capacity) {
            filter = seal(filter, nowMillis);
        }
        filter.bits.add(BlockedBloomFilter.hash(topic, messageId));
        filter.added++;
    }

    /** False only when the pair was certainly not added within the window. */
    boolean mightContain(String topic, String messageId, long nowMillis) {
        // read in the reverse of the order seal() writes: a filter missing from this list was
        // either seen as current or dropped after trustedFromMillis moved
        Filter newest = current;
        List<Sealed> older = sealed;
        if (windowMillis <= 0 || nowMillis < trustedFromMillis) {
            return true;
        }
        long hash = BlockedBloomFilter.hash(topic, messageId);
        if (newest.bits.mightContain(hash)) {
            return true;
        }
        for (Sealed filter : older) {
            if (filter.filter().bits.mightContain(hash)) {
                return true;
            }
        }
        return false;
    }

    private Filter seal(Filter full, long nowMillis) {
        List<Sealed> kept = new ArrayList<>();
        for (Sealed older : sealed) {
            if (nowMillis - older.sealedMillis() < windowMillis) {
                kept.add(older);
            }
        }
        kept.add(new Sealed(full, nowMillis));
        long elapsed = Math.max(1, nowMillis - full.startMillis);
        long perWindow = full.added * windowMillis / elapsed;
        long capacity = Math.max(MIN_IDS_PER_FILTER, Math.min(maxIds / 2, perWindow + perWindow / 2));
        long total = capacity + kept.stream().mapToLong(s -> s.filter().capacity).sum();
        while (total > maxIds && !kept.isEmpty()) {
            Sealed dropped = kept.remove(0);
            total -= dropped.filter().capacity;
            trustedFromMillis = Math.max(trustedFromMillis, dropped.sealedMillis() + windowMillis);
        }
        Filter fresh = new Filter(capacity, nowMillis);
        // the full filter stays asked (in sealed) while the fresh one fills
        sealed = List.copyOf(kept);
        current = fresh;
        return fresh;
    }
}
