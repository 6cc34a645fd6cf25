package dev.sluice.controller.client;

import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.ImageChanges;
import dev.sluice.controller.image.ImageCodec;
import dev.sluice.proto.controller.v1.WatchEvent;
import dev.sluice.proto.controller.v1.WatchRequest;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running watch: keeps the latest image, replaying each delta onto it, and resumes from the
 * last applied version on another node when a stream breaks. The listener runs on one thread.
 */
public final class MetadataWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataWatch.class);
    private static final long RECONNECT_PAUSE_MS = 100;

    /** Receives every event with the image it produced, in version order without gaps. */
    public interface Listener {
        void onUpdate(WatchEvent event, ClusterImage image);
    }

    private final ControllerClient client;
    private final Listener listener;
    private final Thread thread;
    private final Context.CancellableContext context = Context.current().withCancellation();
    private volatile boolean closed;
    private volatile ClusterImage image;
    private volatile long appliedVersion;
    private final AtomicInteger discontinuities = new AtomicInteger();

    private MetadataWatch(ControllerClient client, long fromVersion, Listener listener) {
        this.client = client;
        this.listener = listener;
        this.appliedVersion = fromVersion;
        this.thread = new Thread(this::loop, "controller-watch");
        this.thread.setDaemon(true);
    }

    static MetadataWatch start(ControllerClient client, long fromVersion, Listener listener) {
        MetadataWatch watch = new MetadataWatch(client, fromVersion, listener);
        watch.thread.start();
        return watch;
    }

    /** The latest image, or null before the first full image arrived. */
    public ClusterImage image() {
        return image;
    }

    /** How often the stream skipped or repeated a version (each time the watch resynchronised). */
    public int discontinuities() {
        return discontinuities.get();
    }

    public long appliedVersion() {
        return appliedVersion;
    }

    private void loop() {
        while (!closed) {
            int node = client.currentNode();
            CountDownLatch ended = new CountDownLatch(1);
            context.run(() -> client.asyncStub(node).watch(
                    WatchRequest.newBuilder().setFromVersion(appliedVersion).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(WatchEvent event) {
                            apply(event);
                        }

                        @Override
                        public void onError(Throwable error) {
                            if (!closed) {
                                LOG.info("watch stream from node {} broke at version {}: {}", node, appliedVersion,
                                        error.toString());
                            }
                            ended.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            ended.countDown();
                        }
                    }));
            try {
                ended.await();
                client.moveOn(node);
                Thread.sleep(RECONNECT_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void apply(WatchEvent event) {
        if (event.hasImage()) {
            image = ImageCodec.fromProto(event.getImage());
        } else {
            ImageChanges changes = ImageCodec.fromProto(event.getDelta());
            if (image == null) {
                // Resumed from a version this process never saw as an image: only the caller can apply it.
                listener.onUpdate(event, null);
                appliedVersion = changes.version();
                return;
            }
            if (changes.version() != image.version() + 1) {
                // The server broke its promise of consecutive versions: start over with a full image.
                discontinuities.incrementAndGet();
                LOG.error("watch received version {} after {}; resynchronising", changes.version(), image.version());
                image = null;
                appliedVersion = 0;
                throw new IllegalStateException("watch stream skipped or repeated a version");
            }
            image = image.applying(changes);
        }
        appliedVersion = image.version();
        listener.onUpdate(event, image);
    }

    @Override
    public void close() {
        closed = true;
        context.cancel(null);
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
