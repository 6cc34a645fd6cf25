package dev.sluice.store.kv;

import dev.sluice.store.StoreException;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One thread that writes the batches handed to it, in the order they came, merging those that
 * queued up while it wrote the previous ones into one RocksDB write: one WAL append, and under the
 * SYNC flush policy one fsync, for all of them. Every ack is such a batch; written one by one on
 * the gRPC threads, each paid a WAL append (and under SYNC an fsync) of its own. A caller that
 * waits for its batch while nothing is queued or being written writes it itself ({@link #write}).
 */
final class GroupCommit implements AutoCloseable {

    /** Operations that go into a RocksDB write batch. */
    @FunctionalInterface
    interface Operations {
        void applyTo(WriteBatch batch) throws RocksDBException;
    }

    private record Pending(Operations operations, CompletableFuture<Void> written) {
    }

    /** Bounds one write, so that a long queue is not one huge batch held in native memory at once. */
    private static final int MAX_GROUP = 1024;
    private static final Pending STOP = new Pending(batch -> { }, new CompletableFuture<>());

    private final RocksStore rocks;
    private final boolean sync;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Handed over and not yet written (queued, or taken by the writer for its next group). */
    private final AtomicInteger unwritten = new AtomicInteger();
    /** Held while a group, or a caller's own batch, is being written. */
    private final ReentrantLock writing = new ReentrantLock();
    private final Thread writer;
    private volatile boolean closed;

    GroupCommit(RocksStore rocks, boolean sync, String threadName) {
        this.rocks = rocks;
        this.sync = sync;
        this.writer = new Thread(this::run, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    /** Completes once the operations are written (fsynced under SYNC), or with the write's failure. */
    CompletableFuture<Void> submit(Operations operations) {
        if (Thread.currentThread() == writer) {
            // a callback of a completed write writing again: queueing would wait for itself
            rocks.write(operations::applyTo, sync);
            return CompletableFuture.completedFuture(null);
        }
        Pending pending = new Pending(operations, new CompletableFuture<>());
        synchronized (this) {
            refuseIfClosed();
            unwritten.incrementAndGet();
            queue.add(pending);
        }
        return pending.written;
    }

    /**
     * Returns once the operations are written. A caller that waits anyway writes them itself when
     * nothing handed over is waiting or being written, which keeps the order and spares it two
     * thread switches (on a busy 2-core box, milliseconds of a pop's latency); otherwise they go
     * with the next group.
     */
    void write(Operations operations) {
        if (Thread.currentThread() != writer && unwritten.get() == 0 && writing.tryLock()) {
            try {
                if (unwritten.get() == 0) {
                    refuseIfClosed();
                    rocks.write(operations::applyTo, sync);
                    return;
                }
            } finally {
                writing.unlock();
            }
        }
        try {
            submit(operations).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void refuseIfClosed() {
        if (closed) {
            throw new StoreException(StoreException.Reason.NOT_RUNNING, "the store is closed");
        }
    }

    private void run() {
        try {
            writeUntilStopped();
        } finally {
            refuseWhatIsLeft();
        }
    }

    private void writeUntilStopped() {
        List<Pending> group = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                // only close() stops this thread, by queueing STOP behind everything else
                continue;
            }
            writing.lock();
            try {
                queue.drainTo(group, MAX_GROUP - 1);
                int taken = group.size();
                // close() queues STOP last and refuses everything after it
                stopping = group.get(group.size() - 1) == STOP;
                if (stopping) {
                    group.remove(group.size() - 1);
                }
                writeGroup(group);
                unwritten.addAndGet(-taken);
            } finally {
                writing.unlock();
            }
            group.clear();
        }
    }

    private void writeGroup(List<Pending> group) {
        if (group.isEmpty()) {
            return;
        }
        try {
            rocks.write(batch -> {
                for (Pending pending : group) {
                    pending.operations.applyTo(batch);
                }
            }, sync);
        } catch (RuntimeException e) {
            group.forEach(pending -> pending.written.completeExceptionally(e));
            return;
        } catch (Error e) {
            group.forEach(pending -> pending.written.completeExceptionally(e));
            throw e;
        }
        group.forEach(pending -> pending.written.complete(null));
    }

    /**
     * After an Error killed this thread nothing would write again: callers waiting for their
     * batches, and every later caller, get a failure instead of waiting for ever.
     */
    private void refuseWhatIsLeft() {
        synchronized (this) {
            closed = true;
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        StoreException stopped = new StoreException(StoreException.Reason.NOT_RUNNING,
                "the store's key/value writer stopped");
        left.forEach(pending -> pending.written.completeExceptionally(stopped));
    }

    /** Writes everything handed over so far, then stops; later submissions are refused. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            unwritten.incrementAndGet();
            queue.add(STOP);
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
