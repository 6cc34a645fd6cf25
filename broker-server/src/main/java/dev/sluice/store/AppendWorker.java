package dev.sluice.store;

import dev.sluice.store.commitlog.CommitLog;
import dev.sluice.store.commitlog.RecordFormat;
import dev.sluice.store.queue.ConsumeQueue;
import dev.sluice.store.queue.ConsumeQueueSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * The store's single writer thread. Other threads only enqueue; this thread assigns queue
 * offsets, writes every queued record in one go (group commit), forces once for the whole batch
 * under {@link FlushPolicy#SYNC}, dispatches to consume queues and indexes, and only then
 * completes the callers' futures. Maintenance that changes files (retention, topic deletion)
 * runs here too, between batches, so nothing else ever mutates the logs.
 *
 * <p>After the first I/O error the worker is failed for good: every later append completes
 * with {@link StoreException.Reason#IO_ERROR}. Only a restart (and recovery) clears it.
 */
final class AppendWorker {

    private static final Logger LOG = LoggerFactory.getLogger(AppendWorker.class);
    private static final int MAX_TASKS_PER_BATCH = 4096;

    /** Something for the writer thread to do. */
    sealed interface Task permits Append, Maintenance, Stop {
    }

    record Append(List<MessageRecord> records, List<byte[]> payloads, CompletableFuture<List<PutResult>> result)
            implements Task {
    }

    record Maintenance(WriterAction action, CompletableFuture<Void> done) implements Task {
    }

    record Stop() implements Task {
    }

    /** An action run on the writer thread. */
    @FunctionalInterface
    interface WriterAction {
        void run() throws Exception;
    }

    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final Dispatcher dispatcher;
    private final boolean syncFlush;
    private final BooleanSupplier diskFull;
    private final Thread thread;
    private volatile StoreException failure;
    private volatile boolean terminated;

    AppendWorker(CommitLog commitLog, ConsumeQueueSet queues, Dispatcher dispatcher, FlushPolicy flushPolicy,
                 BooleanSupplier diskFull) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.dispatcher = dispatcher;
        this.syncFlush = flushPolicy == FlushPolicy.SYNC;
        this.diskFull = diskFull;
        this.thread = new Thread(this::run, "sluice-store-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The sticky failure, or null while the worker is healthy. */
    StoreException failure() {
        return failure;
    }

    /** Fails the worker for good, e.g. when the flusher's fsync failed. */
    void fail(String what, Throwable cause) {
        if (failure == null) {
            LOG.error("Store writes disabled until restart: {}", what, cause);
            failure = new StoreException(StoreException.Reason.IO_ERROR, what + ": " + cause.getMessage(), cause);
        }
    }

    void submit(Task task) {
        queue.add(task);
        // the worker may have drained the queue for the last time between the caller's check and this add
        if (terminated && queue.remove(task)) {
            reject(task, new StoreException(StoreException.Reason.NOT_RUNNING, "the store is closed"));
        }
    }

    CompletableFuture<Void> runOnWriter(WriterAction action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new Maintenance(action, done));
        return done;
    }

    /** Lets the worker finish everything queued so far, then stops it and waits for it. */
    void stop() throws InterruptedException {
        submit(new Stop());
        thread.join();
    }

    private void run() {
        List<Task> batch = new ArrayList<>();
        List<Append> appends = new ArrayList<>();
        boolean running = true;
        try {
            while (running) {
                batch.add(queue.take());
                queue.drainTo(batch, MAX_TASKS_PER_BATCH - 1);
                for (Task task : batch) {
                    if (task instanceof Append append) {
                        appends.add(append);
                        continue;
                    }
                    writeBatch(appends);
                    appends.clear();
                    if (task instanceof Maintenance maintenance) {
                        runMaintenance(maintenance);
                    } else {
                        running = false;
                    }
                }
                writeBatch(appends);
                appends.clear();
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            terminated = true;
            StoreException closed = new StoreException(StoreException.Reason.NOT_RUNNING, "the store is closed");
            List<Task> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(task -> reject(task, closed));
        }
    }

    private void writeBatch(List<Append> appends) {
        if (appends.isEmpty()) {
            return;
        }
        List<Append> accepted = new ArrayList<>(appends.size());
        List<List<PutResult>> results = new ArrayList<>(appends.size());
        long storeTimestamp = System.currentTimeMillis();
        try {
            for (Append append : appends) {
                StoreException refusal = refusal();
                if (refusal != null) {
                    append.result().completeExceptionally(refusal);
                    continue;
                }
                results.add(writeRecords(append, storeTimestamp));
                accepted.add(append);
            }
            commitLog.writePending();
            if (syncFlush) {
                commitLog.forceActive();
            }
            dispatcher.commit(commitLog.writtenEnd());
        } catch (Exception e) {
            fail("writing to the commit log failed", e);
            // completing an already-refused future again does nothing
            appends.forEach(append -> append.result().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < accepted.size(); i++) {
            accepted.get(i).result().complete(results.get(i));
        }
    }

    private StoreException refusal() {
        if (failure != null) {
            return failure;
        }
        if (diskFull.getAsBoolean()) {
            return new StoreException(StoreException.Reason.DISK_FULL, "disk usage is past the hard watermark");
        }
        return null;
    }

    private List<PutResult> writeRecords(Append append, long storeTimestamp) throws Exception {
        List<PutResult> results = new ArrayList<>(append.records().size());
        for (int i = 0; i < append.records().size(); i++) {
            MessageRecord record = append.records().get(i);
            byte[] payload = append.payloads().get(i);
            ConsumeQueue queue = queues.getOrCreate(record.topic(), record.queueId());
            long queueOffset = queue.assignOffset();
            long commitLogOffset = commitLog.append(payload, queueOffset, storeTimestamp);
            dispatcher.add(queue, queueOffset, commitLogOffset, RecordFormat.frameBytes(payload.length), record,
                    storeTimestamp);
            results.add(new PutResult(record.topic(), record.queueId(), queueOffset, commitLogOffset, storeTimestamp));
        }
        return results;
    }

    private void runMaintenance(Maintenance maintenance) {
        try {
            maintenance.action().run();
            maintenance.done().complete(null);
        } catch (Exception e) {
            maintenance.done().completeExceptionally(e);
        }
    }

    private static void reject(Task task, StoreException reason) {
        if (task instanceof Append append) {
            append.result().completeExceptionally(reason);
        } else if (task instanceof Maintenance maintenance) {
            maintenance.done().completeExceptionally(reason);
        }
    }
}
