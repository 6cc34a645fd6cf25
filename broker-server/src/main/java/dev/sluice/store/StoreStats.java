package dev.sluice.store;

/** Sizes for admin and metrics. */
public record StoreStats(long commitLogMinOffset, long commitLogMaxOffset, long diskBytesUsed,
                         long diskBytesFree, int segmentCount) {
}
