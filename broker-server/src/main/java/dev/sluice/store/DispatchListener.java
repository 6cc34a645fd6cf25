package dev.sluice.store;

/**
 * Told when new entries became readable in a consume queue. Called on the store's dispatch
 * thread: implementations must return quickly and never block.
 */
@FunctionalInterface
public interface DispatchListener {
    void dispatched(String topic, int queueId, long nextQueueOffset);
}
