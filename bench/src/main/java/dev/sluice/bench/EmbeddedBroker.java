package dev.sluice.bench;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.LocalBroker;
import dev.sluice.broker.timer.PendingTimers;
import dev.sluice.store.LogStore;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A broker and its store in this JVM, on a data directory of its own: what {@code sluice
 * standalone} runs minus gRPC, for measurements the official client is too slow to drive.
 */
final class EmbeddedBroker implements AutoCloseable {

    private final Path dataDir;
    private final LogStore store;
    private final LocalBroker broker;

    private EmbeddedBroker(Path dataDir, LogStore store, LocalBroker broker) {
        this.dataDir = dataDir;
        this.store = store;
        this.broker = broker;
    }

    /** Opens (recovering, if the directory holds an earlier run) the store and its broker. */
    static EmbeddedBroker open(Path dataDir) {
        LogStore store = LogStore.open(StoreConfig.defaults(dataDir));
        try {
            return new EmbeddedBroker(dataDir, store, new LocalBroker(store, BrokerConfig.DEFAULT));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    LocalBroker broker() {
        return broker;
    }

    LogStore store() {
        return store;
    }

    /** Timers not yet due, over every topic, from the broker's own counters. */
    long pendingTimers() {
        return broker.pendingTimers(null).stream().mapToLong(PendingTimers::count).sum();
    }

    /** Messages ever appended to {@code topic}'s queues. */
    long stored(String topic, int queues) {
        long total = 0;
        for (int q = 0; q < queues; q++) {
            total += store.nextOffset(topic, q);
        }
        return total;
    }

    /** Bytes the commit log holds (written, not pre-allocated). */
    long commitLogBytes() {
        StoreStats stats = store.stats();
        return stats.commitLogMaxOffset() - stats.commitLogMinOffset();
    }

    /** Bytes of RocksDB's files (SSTs, WAL, manifest). */
    long rocksDbBytes() {
        try (Stream<Path> files = Files.walk(dataDir.resolve("rocksdb"))) {
            return files.filter(Files::isRegularFile).mapToLong(EmbeddedBroker::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list RocksDB's files in " + dataDir, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException compactedAway) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            store.close();
        }
    }
}
