package dev.sluice.store.file;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashSet;

/**
 * Keeps at most {@code capacity} of its {@link PooledFile}s open, closing the idle ones that went
 * longest unused (the clock algorithm: a file used since the last look gets a second chance).
 *
 * <p>A broker with tens of thousands of queues has a file per queue; holding each open for good
 * ran the process out of file descriptors, and a store that cannot open a file refuses writes. A
 * file in use is never closed, so the pool may briefly hold more than its capacity.
 *
 * <p>Thread-safe. Lock order: a file's lock, then the pool's; the pool never takes a file's lock
 * while holding its own.
 */
public final class FilePool {

    private final int capacity;
    /** Open files, the longest unexamined first; a file given a second chance moves to the end. */
    private final LinkedHashSet<PooledFile> open = new LinkedHashSet<>();

    public FilePool(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a file pool needs room for at least one file: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * The process's open-file limit less what sockets, the commit log, RocksDB and the JVM need:
     * a quarter of the limit, at most 4096. 4096 where the JVM does not tell the limit.
     */
    public static int fitProcessLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit - Math.min(limit / 4, 4096)));
        }
        return 4096;
    }

    /** Files open now. */
    public synchronized int openCount() {
        return open.size();
    }

    /** Closes idle files, longest unexamined first, while more than {@code capacity} are open. */
    void trim() {
        // two rounds at most: the first may only take away second chances
        for (int looked = 0; ; looked++) {
            PooledFile oldest;
            synchronized (this) {
                if (open.size() <= capacity || looked >= 2 * open.size()) {
                    return;
                }
                oldest = open.iterator().next();
            }
            oldest.closeIfIdle();
        }
    }

    /** Under the file's lock: its channel opened. */
    synchronized void opened(PooledFile file) {
        open.add(file);
    }

    /** Under the file's lock: it was used since it was last examined, so it goes to the back. */
    synchronized void spared(PooledFile file) {
        if (open.remove(file)) {
            open.add(file);
        }
    }

    /** Under the file's lock: its channel closed. */
    synchronized void closed(PooledFile file) {
        open.remove(file);
    }
}
