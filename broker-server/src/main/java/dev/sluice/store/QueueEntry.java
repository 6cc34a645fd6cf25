package dev.sluice.store;

/** One fixed-size consume-queue entry: where message {@code queueOffset} of a queue lives in the commit log. */
public record QueueEntry(long queueOffset, long commitLogOffset, int size, int tagHash, long storeTimestamp) {
}
