package dev.sluice.broker.pop;

import dev.sluice.broker.TagFilter;

/**
 * The parameters of one pop on one queue.
 *
 * @param invisibleMillis how long claimed messages stay invisible
 * @param renewUntil      epoch millis up to which the broker keeps renewing them; 0 for no renewal
 */
record PopRequest(int max, TagFilter filter, long invisibleMillis, long renewUntil, String clientId) {
}
