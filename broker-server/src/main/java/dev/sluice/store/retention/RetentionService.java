package dev.sluice.store.retention;

import dev.sluice.store.QueueEntry;
import dev.sluice.store.RetentionGuard;
import dev.sluice.store.commitlog.CommitLog;
import dev.sluice.store.commitlog.SealedSegment;
import dev.sluice.store.queue.ConsumeQueue;
import dev.sluice.store.queue.ConsumeQueueSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Deletes whole commit-log segments, oldest first and never the active one, when they are older
 * than the retention time or the disk is past the soft watermark; a segment holding a message
 * some consumer still needs is kept unless the disk is past the hard watermark. Past the hard
 * watermark it also tells the store to refuse writes until space is freed.
 *
 * <p>Threading: {@link #runOnce()} runs on the store's writer thread, so segments and queues do
 * not change under it; the getters are safe from any thread.
 */
public final class RetentionService {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionService.class);

    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final DiskUsage disk;
    private final Supplier<RetentionGuard> guard;
    private final LongConsumer deletedUpTo;
    private final Duration retention;
    private final double softWatermark;
    private final double hardWatermark;
    private final Clock clock;
    private final AtomicLong forcedDeletions = new AtomicLong();
    private volatile boolean diskFull;

    /**
     * @param deletedUpTo told, after a pass deleted segments, the newest time (epoch millis) one
     *                    of them was written, so the indexes can drop what pointed into them
     */
    public RetentionService(CommitLog commitLog, ConsumeQueueSet queues, DiskUsage disk,
                            Supplier<RetentionGuard> guard, LongConsumer deletedUpTo, Duration retention,
                            double softWatermark, double hardWatermark, Clock clock) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.disk = disk;
        this.guard = guard;
        this.deletedUpTo = deletedUpTo;
        this.retention = retention;
        this.softWatermark = softWatermark;
        this.hardWatermark = hardWatermark;
        this.clock = clock;
    }

    /** Whether disk usage was past the hard watermark at the last check: writes are refused. */
    public boolean diskFull() {
        return diskFull;
    }

    /** Segments deleted although a consumer still needed them (disk past the hard watermark). */
    public long forcedDeletions() {
        return forcedDeletions.get();
    }

    public void runOnce() throws IOException {
        long neededFrom = -1;
        long lastDeletedWritten = -1;
        for (SealedSegment segment : commitLog.sealedSegments()) {
            double used = disk.usedFraction();
            boolean expired = segment.lastModified().toInstant().isBefore(clock.instant().minus(retention));
            if (!expired && used < softWatermark) {
                break;
            }
            if (neededFrom < 0) {
                neededFrom = lowestNeededCommitLogOffset();
            }
            boolean needed = segment.endOffset() > neededFrom;
            if (needed && used < hardWatermark) {
                break;
            }
            commitLog.deleteSegment(segment.baseOffset());
            lastDeletedWritten = Math.max(lastDeletedWritten, segment.lastModified().toMillis());
            if (needed) {
                forcedDeletions.incrementAndGet();
                LOG.warn("Disk {}% full (hard watermark {}%): deleted commit-log segment {}..{} although consumers "
                                + "still need messages in it", Math.round(used * 100), Math.round(hardWatermark * 100),
                        segment.baseOffset(), segment.endOffset());
            } else {
                LOG.info("Retention deleted commit-log segment {}..{} ({})", segment.baseOffset(), segment.endOffset(),
                        expired ? "older than " + retention : "disk past the soft watermark");
            }
            for (ConsumeQueue queue : queues.all()) {
                queue.advanceFirstOffset(commitLog.minOffset());
            }
        }
        if (lastDeletedWritten >= 0) {
            deletedUpTo.accept(lastDeletedWritten);
        }
        boolean full = disk.usedFraction() >= hardWatermark;
        if (full != diskFull) {
            LOG.warn(full ? "Disk past the hard watermark: refusing writes" : "Disk below the hard watermark: accepting writes");
        }
        diskFull = full;
    }

    /** The lowest commit-log offset of a message some consumer still needs, or Long.MAX_VALUE. */
    private long lowestNeededCommitLogOffset() {
        RetentionGuard current = guard.get().snapshot();
        long lowest = Long.MAX_VALUE;
        for (ConsumeQueue queue : queues.all()) {
            long needed = Math.max(current.lowestNeededQueueOffset(queue.topic(), queue.queueId()), queue.firstOffset());
            if (needed >= queue.nextOffset()) {
                continue;
            }
            // the first readable entry at or after the needed offset (skips holes)
            for (QueueEntry entry : queue.read(needed, 1)) {
                lowest = Math.min(lowest, entry.commitLogOffset());
            }
        }
        return lowest;
    }
}
