package dev.sluice.store;

/**
 * A message read back from the store, with the positions the store assigned at append time.
 */
public record StoredMessage(
        MessageRecord record,
        long queueOffset,
        long commitLogOffset,
        int size,
        long storeTimestamp) {
}
