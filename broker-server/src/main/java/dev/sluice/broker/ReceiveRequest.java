package dev.sluice.broker;

import java.time.Duration;

/**
 * One pop.
 *
 * @param queueId            a queue of the topic, or -1 for "any queue"
 * @param filter             which tags the group wants
 * @param invisibleDuration  how long delivered messages stay invisible; ignored when {@code autoRenew}
 * @param autoRenew          the broker picks the invisible time and renews it while the client lives
 * @param attemptId          the client's receive attempt id (may be empty); a retry with the same id
 *                           may get the same batch back
 */
public record ReceiveRequest(
        String group,
        String topic,
        int queueId,
        TagFilter filter,
        int batchSize,
        Duration invisibleDuration,
        boolean autoRenew,
        Duration pollTimeout,
        String clientId,
        String attemptId) {
}
