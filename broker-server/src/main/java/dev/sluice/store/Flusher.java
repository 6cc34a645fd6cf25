package dev.sluice.store;

import dev.sluice.store.commitlog.CommitLog;
import dev.sluice.store.queue.ConsumeQueueSet;

import java.io.IOException;

/**
 * Periodic flush on its own thread: forces the active commit-log segment (the ASYNC policy's
 * only fsync) and the consume-queue files written since the last run, then moves the checkpoint
 * to what was dispatched before the forces started. A failed fsync fails the writer for good,
 * as the page cache may have dropped the data it could not write.
 */
final class Flusher {

    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final Dispatcher dispatcher;
    private final Checkpoint checkpoint;
    private final AppendWorker worker;
    private long lastCheckpoint = -1;

    Flusher(CommitLog commitLog, ConsumeQueueSet queues, Dispatcher dispatcher, Checkpoint checkpoint,
            AppendWorker worker) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.dispatcher = dispatcher;
        this.checkpoint = checkpoint;
        this.worker = worker;
    }

    /** Called from one thread at a time (the flusher's, or close() after it stopped). */
    void flush() {
        if (worker.failure() != null) {
            return;
        }
        // read before forcing: everything below it was written before the forces begin
        long dispatched = dispatcher.dispatchedEnd();
        try {
            commitLog.forceActive();
            queues.forceDirty();
        } catch (IOException e) {
            worker.fail("fsync failed", e);
            return;
        }
        if (dispatched != lastCheckpoint) {
            checkpoint.write(dispatched);
            lastCheckpoint = dispatched;
        }
    }
}
