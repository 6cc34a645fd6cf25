package dev.sluice.broker.pop;

import dev.sluice.store.StoredMessage;

/** A message that used up its delivery attempts (or that the consumer gave up on) and must move to the DLQ. */
record DeadLetter(StoredMessage message, int queueId, long deliveryId, int attempts, String reason) {
}
