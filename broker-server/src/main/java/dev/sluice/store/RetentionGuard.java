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

    /**
     * A consistent view for one retention pass, which asks about every queue: implementations
     * whose answer is expensive to compute per queue gather it once here.
     */
    default RetentionGuard snapshot() {
        return this;
    }

    RetentionGuard NONE = (topic, queueId) -> Long.MAX_VALUE;
}
