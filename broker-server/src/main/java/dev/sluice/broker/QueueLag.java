package dev.sluice.broker;

/**
 * Backlog of one group on one queue.
 *
 * @param ackedOffset  all messages below it are consumed
 * @param maxOffset    the queue's next offset
 * @param inFlight     delivered and not yet acked
 */
public record QueueLag(String topic, int queueId, long ackedOffset, long maxOffset, long inFlight) {

    public long lag() {
        return Math.max(0, maxOffset - ackedOffset);
    }
}
