package dev.sluice.broker.pop;

import dev.sluice.store.StoredMessage;

/** A message a pop took for one consumer, with the delivery that now holds it. */
record Claim(StoredMessage message, int queueId, Slot.InFlight delivery) {

    ReceiptHandle handle() {
        return new ReceiptHandle(queueId, message.queueOffset(), delivery.attempt(), delivery.deliveryId());
    }
}
