package dev.sluice.store;

import dev.sluice.store.file.FilePool;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Store settings.
 *
 * @param segmentBytes          size of each pre-allocated commit-log segment (default 1 GiB)
 * @param flushPolicy           ASYNC (default) or SYNC
 * @param asyncFlushInterval    how often the ASYNC policy flushes the commit log to disk
 * @param checkpointInterval    how often consume queues are written out and forced and the recovery
 *                              checkpoint moves (recovery replays the commit log written since)
 * @param retention             segments older than this are deleted (default 72 h)
 * @param diskSoftWatermark     fraction of the disk in use past which old segments are deleted early
 *                              (still never data a consumer needs)
 * @param diskHardWatermark     fraction past which writes are refused and needed data may be deleted
 * @param queueSegmentEntries   consume-queue entries per consume-queue segment file
 * @param maxOpenQueueFiles     consume-queue files kept open at most; idle ones are closed beyond
 *                              that (default: the process's open-file limit less a quarter of
 *                              it, at most 4096, for everything else)
 * @param recentIdWindow        how long message ids stay in the in-memory filters behind
 *                              {@link MessageStore#mightHoldRecentId} (the broker's dedup window; 0: none)
 */
public record StoreConfig(
        Path dataDir,
        long segmentBytes,
        FlushPolicy flushPolicy,
        Duration asyncFlushInterval,
        Duration checkpointInterval,
        Duration retention,
        double diskSoftWatermark,
        double diskHardWatermark,
        int queueSegmentEntries,
        int maxOpenQueueFiles,
        Duration recentIdWindow) {

    public static final long DEFAULT_SEGMENT_BYTES = 1L << 30;

    public static StoreConfig defaults(Path dataDir) {
        return new StoreConfig(dataDir, DEFAULT_SEGMENT_BYTES, FlushPolicy.ASYNC, Duration.ofMillis(500),
                Duration.ofSeconds(10), Duration.ofHours(72), 0.85, 0.95, 300_000,
                FilePool.fitProcessLimit(), Duration.ofMinutes(10));
    }
}
