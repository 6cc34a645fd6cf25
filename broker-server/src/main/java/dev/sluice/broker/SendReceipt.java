package dev.sluice.broker;

/** Where a sent message was stored. */
public record SendReceipt(String messageId, String topic, int queueId, long queueOffset) {
}
