package dev.sluice.store;

/** When an append counts as acknowledged. */
public enum FlushPolicy {
    /** Acknowledged once written to the page cache; a background flush runs periodically. */
    ASYNC,
    /** Acknowledged only after an fsync that covers the record (group commit shares fsyncs). */
    SYNC
}
