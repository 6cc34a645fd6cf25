package dev.sluice.proxy.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects what a server sends on a stream, with bounded waits. */
final class RecordingObserver<T> implements StreamObserver<T> {

    private final BlockingQueue<T> values = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    @Override
    public void onNext(T value) {
        values.add(value);
    }

    @Override
    public void onError(Throwable t) {
        closed.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        closed.complete(null);
    }

    T next() throws InterruptedException {
        T value = values.poll(5, TimeUnit.SECONDS);
        assertThat(value).as("a value from the server within 5 s").isNotNull();
        return value;
    }
}
