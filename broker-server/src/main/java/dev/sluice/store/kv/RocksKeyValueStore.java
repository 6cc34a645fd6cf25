package dev.sluice.store.kv;

import dev.sluice.store.KeyValueStore;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * {@link KeyValueStore} on the store's RocksDB column families. Writes reach the WAL before
 * returning (surviving kill -9); with {@code sync} they are also fsynced (surviving power loss).
 * Batches are written in the order they were handed over, by one {@link GroupCommit} thread or,
 * when nothing else waits, by a caller of {@link #write} itself.
 * Thread-safe; {@link #close()} before closing the RocksDB instance.
 */
public final class RocksKeyValueStore implements KeyValueStore, AutoCloseable {

    private final RocksStore rocks;
    private final boolean sync;
    private final GroupCommit batches;

    public RocksKeyValueStore(RocksStore rocks, boolean sync) {
        this.rocks = rocks;
        this.sync = sync;
        this.batches = new GroupCommit(rocks, sync, "sluice-kv-writer");
    }

    private static Family family(Space space) {
        return switch (space) {
            case TOPICS -> Family.TOPICS;
            case GROUPS -> Family.GROUPS;
            case CONSUMER_STATE -> Family.CONSUMER_STATE;
            case DELIVERY_HISTORY -> Family.DELIVERY_HISTORY;
            case REDRIVES -> Family.REDRIVES;
            case TIMERS -> Family.TIMERS;
            case TRANSACTIONS -> Family.TRANSACTIONS;
        };
    }

    @Override
    public byte[] get(Space space, byte[] key) {
        return rocks.get(family(space), key);
    }

    @Override
    public void put(Space space, byte[] key, byte[] value) {
        rocks.put(family(space), key, value, sync);
    }

    @Override
    public void delete(Space space, byte[] key) {
        rocks.delete(family(space), key, sync);
    }

    @Override
    public void write(Batch batch) {
        batches.write(collected(batch)::applyTo);
    }

    @Override
    public CompletableFuture<Void> writeLater(Batch batch) {
        return batches.submit(collected(batch)::applyTo);
    }

    private static CollectedBatch collected(Batch batch) {
        if (!(batch instanceof CollectedBatch collected)) {
            throw new IllegalArgumentException("batch was not made by this store's newBatch()");
        }
        return collected;
    }

    @Override
    public void scan(Space space, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        rocks.scan(family(space), prefix, false, (key, value) -> {
            visitor.accept(key, value);
            return true;
        });
    }

    @Override
    public void scanFrom(Space space, byte[] prefix, byte[] from, EntryVisitor visitor) {
        rocks.scanFrom(family(space), prefix, from, visitor::visit);
    }

    @Override
    public Batch newBatch() {
        return new CollectedBatch();
    }

    /** Writes the batches handed over so far; later ones are refused. */
    @Override
    public void close() {
        batches.close();
    }

    /** Collects operations in plain Java so an abandoned batch holds no native memory. */
    private final class CollectedBatch implements Batch {

        /** A put ({@code value} set), a delete, or a range delete up to {@code rangeEnd}. */
        private record Operation(Space space, byte[] key, byte[] value, byte[] rangeEnd) {
        }

        private final List<Operation> operations = new ArrayList<>();

        @Override
        public Batch put(Space space, byte[] key, byte[] value) {
            operations.add(new Operation(space, key.clone(), value.clone(), null));
            return this;
        }

        @Override
        public Batch delete(Space space, byte[] key) {
            operations.add(new Operation(space, key.clone(), null, null));
            return this;
        }

        @Override
        public Batch deleteRange(Space space, byte[] from, byte[] to) {
            operations.add(new Operation(space, from.clone(), null, to.clone()));
            return this;
        }

        void applyTo(WriteBatch batch) throws RocksDBException {
            for (Operation op : operations) {
                if (op.rangeEnd() != null) {
                    batch.deleteRange(rocks.handle(family(op.space())), op.key(), op.rangeEnd());
                } else if (op.value() == null) {
                    batch.delete(rocks.handle(family(op.space())), op.key());
                } else {
                    batch.put(rocks.handle(family(op.space())), op.key(), op.value());
                }
            }
        }
    }
}
