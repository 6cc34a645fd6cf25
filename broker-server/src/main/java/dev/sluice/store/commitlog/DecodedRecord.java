package dev.sluice.store.commitlog;

import dev.sluice.store.MessageRecord;

/** A record read back from the commit log with the positions the writer stamped into it. */
public record DecodedRecord(MessageRecord message, long queueOffset, long storeTimestamp) {
}
