package dev.sluice.store;

/**
 * Tells retention which messages consumers still need. The broker implements it from
 * consumer progress; the store never deletes a segment holding a needed message unless
 * disk usage is past the hard watermark.
 */
@FunctionalInterface
public interface RetentionGuard {
    /** The lowest queue offset of (topic, queueId) some consumer group still needs, or Long.MAX_VALUE. */
    long lowestNeededQueueOffset(String topic, int queueId);

    RetentionGuard NONE = (topic, queueId) -> Long.MAX_VALUE;
}
