package dev.sluice.broker.pop;

import dev.sluice.broker.RetryPolicy;
import dev.sluice.broker.TagFilter;

/**
 * The parameters of one pop on one queue.
 *
 * @param invisibleMillis  how long claimed messages stay invisible
 * @param renewUntil       epoch millis up to which the broker keeps renewing them; 0 for no renewal
 * @param maxAttempts      deliveries of one message before it is dead-lettered
 * @param fifo             deliver one message at a time per message group, in queue order
 * @param attemptId        the client's receive attempt; a retry with it gets the same batch ("" for none)
 */
record PopRequest(int max, TagFilter filter, long invisibleMillis, long renewUntil, String clientId,
                  int maxAttempts, boolean fifo, RetryPolicy retryPolicy, String attemptId) {

    PopRequest withMax(int newMax) {
        return new PopRequest(newMax, filter, invisibleMillis, renewUntil, clientId, maxAttempts, fifo, retryPolicy,
                attemptId);
    }
}
