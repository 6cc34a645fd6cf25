package dev.sluice.controller.statemachine;

import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.ImageChanges;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The current image plus the most recent changes, so a watcher can resume from a version
 * without a full image. Written only by the state machine's applying thread; read by any thread.
 * Image and history change together under the monitor, so a reader never sees one without the other.
 */
public final class MetadataJournal {

    /** What a watcher that has applied some version needs next. */
    public sealed interface Catchup permits Catchup.FullImage, Catchup.Deltas {
        /** The caller's version is unknown here or older than the history: start over from this image. */
        record FullImage(ClusterImage image) implements Catchup {
        }

        /** Changes after the caller's version, oldest first; empty when it is up to date. */
        record Deltas(List<ImageChanges> changes) implements Catchup {
        }
    }

    /** The watcher has no image yet. (Version 0 is a real image: the empty cluster.) */
    public static final long NOTHING_APPLIED = -1;

    private final int historyLimit;
    private final ArrayDeque<ImageChanges> history = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private ClusterImage image = ClusterImage.EMPTY;

    public MetadataJournal(int historyLimit) {
        this.historyLimit = historyLimit;
    }

    public synchronized ClusterImage image() {
        return image;
    }

    /** Runs after every change (on the applying thread): listeners must only signal, never block. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    void publish(ClusterImage next, ImageChanges changes) {
        synchronized (this) {
            image = next;
            history.addLast(changes);
            if (history.size() > historyLimit) {
                history.removeFirst();
            }
        }
        listeners.forEach(Runnable::run);
    }

    /** Replaces the state wholesale (snapshot load); deltas from before it can no longer be served. */
    void reset(ClusterImage loaded) {
        synchronized (this) {
            image = loaded;
            history.clear();
        }
        listeners.forEach(Runnable::run);
    }

    /**
     * @param appliedVersion the last version the watcher applied, or {@link #NOTHING_APPLIED}
     */
    public synchronized Catchup since(long appliedVersion) {
        if (appliedVersion == NOTHING_APPLIED) {
            return new Catchup.FullImage(image);
        }
        if (appliedVersion >= image.version()) {
            // Up to date, or ahead of this node (it lags the node the watcher came from): wait for it.
            return new Catchup.Deltas(List.of());
        }
        if (history.isEmpty() || history.peekFirst().version() > appliedVersion + 1) {
            return new Catchup.FullImage(image);
        }
        return new Catchup.Deltas(history.stream().filter(c -> c.version() > appliedVersion).toList());
    }
}
