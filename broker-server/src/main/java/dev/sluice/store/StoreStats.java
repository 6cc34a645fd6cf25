package dev.sluice.store;

/**
 * Sizes and counters for admin and metrics.
 *
 * @param flushes     fsyncs of the commit log so far
 * @param flushNanos  time spent in them
 * @param openQueueFiles consume-queue files open now (at most the store's limit, plus files in use)
 */
public record StoreStats(long commitLogMinOffset, long commitLogMaxOffset, long diskBytesUsed,
                         long diskBytesFree, int segmentCount, long flushes, long flushNanos, int openQueueFiles) {
}
