package dev.sluice.broker;

import java.time.Duration;

/**
 * Broker settings.
 *
 * @param autoCreateTopics        a send to an unknown topic creates it as NORMAL (off by default: a typo
 *                                must not silently create a topic)
 * @param autoCreateGroups        a consumer group is created with defaults on first use
 * @param defaultQueues           queues of a topic created without a count
 * @param autoRenewInvisible      invisible time of deliveries to clients that ask the broker to renew
 *                                (push consumers); renewed while the client's session lives
 * @param maxAutoRenew            how long a delivery may be kept invisible by renewals in total
 * @param minInvisible            shortest invisible time a client may ask for
 * @param maxInvisible            longest invisible time a client may ask for
 * @param dedupWindow             a resend of a message id within this time is stored once (0 turns it off)
 * @param maxPendingSends         messages accepted but not yet stored past which sends get TOO_MANY_REQUESTS
 */
public record BrokerConfig(
        boolean autoCreateTopics,
        boolean autoCreateGroups,
        int defaultQueues,
        Duration autoRenewInvisible,
        Duration maxAutoRenew,
        Duration minInvisible,
        Duration maxInvisible,
        Duration dedupWindow,
        int maxPendingSends) {

    public static final BrokerConfig DEFAULT = new BrokerConfig(false, true, 8, Duration.ofSeconds(60),
            Duration.ofHours(3), Duration.ofSeconds(10), Duration.ofHours(12), Duration.ofMinutes(10), 100_000);
}
