package dev.sluice.store;

/** Where an appended message landed; returned once it is durable as the flush policy says. */
public record PutResult(String topic, int queueId, long queueOffset, long commitLogOffset, long storeTimestamp) {
}
