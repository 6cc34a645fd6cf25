package dev.sluice.store;

import dev.sluice.store.index.MessageIndex;
import dev.sluice.store.kv.RocksStore;
import dev.sluice.store.queue.ConsumeQueue;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns written commit-log records into consume-queue entries and index entries, one batch at
 * a time, then tells the listeners. Used by the writer thread and, before it starts, by recovery;
 * never by two threads at once. {@link #dispatchedEnd()} may be read from any thread.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final MessageIndex index;
    private final RocksStore rocks;
    private final List<DispatchListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<ConsumeQueue> touched = Collections.newSetFromMap(new IdentityHashMap<>());
    private WriteBatch indexBatch = new WriteBatch();
    private volatile long dispatchedEnd;

    Dispatcher(MessageIndex index, RocksStore rocks) {
        this.index = index;
        this.rocks = rocks;
    }

    void addListener(DispatchListener listener) {
        listeners.add(listener);
    }

    /** Commit-log offset below which every record is readable through queues and indexes. */
    long dispatchedEnd() {
        return dispatchedEnd;
    }

    void add(ConsumeQueue queue, long queueOffset, long commitLogOffset, int frameBytes, MessageRecord message,
             long storeTimestamp) throws RocksDBException {
        queue.add(queueOffset, commitLogOffset, frameBytes, message.tag().hashCode(), storeTimestamp);
        index.add(indexBatch, message, commitLogOffset, frameBytes, storeTimestamp);
        touched.add(queue);
    }

    /**
     * Writes the batch's index entries (WAL, no fsync: the checkpoint's fsynced write covers them
     * before recovery relies on them), publishes the queue entries, then notifies listeners.
     */
    void commit(long commitLogEnd) throws IOException {
        try {
            rocks.write(indexBatch, false);
        } finally {
            indexBatch.close();
            indexBatch = new WriteBatch();
        }
        List<ConsumeQueue> published = new ArrayList<>(touched.size());
        for (ConsumeQueue queue : touched) {
            if (queue.publish()) {
                published.add(queue);
            }
        }
        touched.clear();
        dispatchedEnd = commitLogEnd;
        for (ConsumeQueue queue : published) {
            notifyListeners(queue);
        }
    }

    private void notifyListeners(ConsumeQueue queue) {
        for (DispatchListener listener : listeners) {
            try {
                listener.dispatched(queue.topic(), queue.queueId(), queue.nextOffset());
            } catch (RuntimeException e) {
                LOG.error("Dispatch listener {} failed for {}/{}", listener, queue.topic(), queue.queueId(), e);
            }
        }
    }

    void close() {
        indexBatch.close();
    }
}
