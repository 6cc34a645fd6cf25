package dev.sluice.broker;

import dev.sluice.store.StoredMessage;

/**
 * A message handed to a consumer.
 *
 * @param deliveryAttempt  1 on first delivery, +1 on each redelivery
 * @param invisibleUntil   epoch millis the message becomes visible again unless acked
 */
public record Delivery(StoredMessage message, String receiptHandle, int deliveryAttempt, long invisibleUntil) {
}
