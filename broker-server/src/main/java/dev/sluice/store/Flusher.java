package dev.sluice.store;

import dev.sluice.store.commitlog.CommitLog;
import dev.sluice.store.queue.ConsumeQueue;
import dev.sluice.store.queue.ConsumeQueueSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The store's periodic durability work, on its own thread.
 *
 * <p>{@link #flush} forces the active commit-log segment: the ASYNC policy's only fsync, so it
 * runs often. {@link #checkpoint} runs far less often: it has every consume queue's in-memory
 * entries written to their files, forces the commit log and every queue file written since the
 * last checkpoint, then moves the checkpoint to what was dispatched before it began. Forcing
 * thousands of queue files is what costs; recovery replays the commit log from the checkpoint,
 * so queue files need not be forced more often than that. A failed write or fsync fails the
 * writer for good, as the page cache may have dropped the data it could not write.
 */
final class Flusher {

    /** Queues whose tails one writer task writes out, so appends wait behind a few hundred writes at most. */
    private static final int QUEUES_PER_WRITER_TASK = 256;

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

    /** Forces the commit log. Called from one thread at a time, like {@link #checkpoint}. */
    void flush() {
        if (worker.failure() != null) {
            return;
        }
        try {
            commitLog.forceActive();
        } catch (IOException e) {
            worker.fail("fsync failed", e);
        }
    }

    /** Checkpoints while the writer thread runs; the queues' tails are written there, a slice at a time. */
    void checkpoint() {
        if (worker.failure() != null) {
            return;
        }
        // read first: every record below it has its entry in a queue that exists now
        long dispatched = dispatcher.dispatchedEnd();
        List<ConsumeQueue> all = new ArrayList<>();
        queues.all().forEach(all::add);
        for (int from = 0; from < all.size(); from += QUEUES_PER_WRITER_TASK) {
            List<ConsumeQueue> slice = all.subList(from, Math.min(all.size(), from + QUEUES_PER_WRITER_TASK));
            try {
                worker.runOnWriter(() -> writeTails(slice)).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    worker.fail("writing consume queues failed", io);
                }
                // otherwise the store is closing: its final checkpoint follows
                return;
            }
        }
        forceAndMove(dispatched);
    }

    /** Checkpoints after the writer thread stopped, so this thread may write the queues itself. */
    void finalCheckpoint() {
        if (worker.failure() != null) {
            return;
        }
        long dispatched = dispatcher.dispatchedEnd();
        try {
            writeTails(queues.all());
        } catch (IOException e) {
            worker.fail("writing consume queues failed", e);
            return;
        }
        forceAndMove(dispatched);
    }

    private static void writeTails(Iterable<ConsumeQueue> some) throws IOException {
        for (ConsumeQueue queue : some) {
            queue.writeTail();
        }
    }

    private void forceAndMove(long dispatched) {
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
