package dev.sluice.controller.server;

import dev.sluice.controller.image.ImageChanges;
import dev.sluice.controller.image.ImageCodec;
import dev.sluice.controller.statemachine.MetadataJournal;
import dev.sluice.proto.controller.v1.WatchEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Watch call: sends what the watcher lacks whenever the journal changes or the stream can
 * take more. At most one drain runs at a time (the {@code scheduled} flag), so the observer is
 * never called concurrently; the applying thread only signals and never waits for a slow watcher,
 * which instead falls behind the history and gets a full image.
 */
final class WatchStream implements Runnable {

    private final MetadataJournal journal;
    private final ServerCallStreamObserver<WatchEvent> out;
    private final Executor executor;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;
    /** Last version sent; touched only by the drain in progress. */
    private volatile long sent;

    WatchStream(MetadataJournal journal, ServerCallStreamObserver<WatchEvent> out, Executor executor,
                long appliedVersion) {
        this.journal = journal;
        this.out = out;
        this.executor = executor;
        this.sent = appliedVersion;
    }

    void start() {
        out.setOnCancelHandler(() -> {
            closed = true;
            journal.removeListener(this);
        });
        out.setOnReadyHandler(this::signal);
        journal.addListener(this);
        signal();
    }

    /** Journal listener: a new version exists. */
    @Override
    public void run() {
        signal();
    }

    private void signal() {
        if (!closed && scheduled.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            sendWhileReady();
        } catch (RuntimeException e) {
            closed = true;
            journal.removeListener(this);
            out.onError(Status.INTERNAL.withDescription("watch failed: " + e).asRuntimeException());
            return;
        } finally {
            scheduled.set(false);
        }
        // A version published while this drain was finishing found `scheduled` set and was not signalled.
        if (out.isReady() && journal.image().version() > sent) {
            signal();
        }
    }

    private void sendWhileReady() {
        while (!closed && out.isReady()) {
            MetadataJournal.Catchup catchup = journal.since(sent);
            if (catchup instanceof MetadataJournal.Catchup.FullImage full) {
                out.onNext(WatchEvent.newBuilder().setImage(ImageCodec.toProto(full.image())).build());
                sent = full.image().version();
                continue;
            }
            var deltas = ((MetadataJournal.Catchup.Deltas) catchup).changes();
            if (deltas.isEmpty()) {
                return;
            }
            for (ImageChanges change : deltas) {
                if (closed || !out.isReady()) {
                    return;
                }
                out.onNext(WatchEvent.newBuilder().setDelta(ImageCodec.toProto(change)).build());
                sent = change.version();
            }
        }
    }
}
