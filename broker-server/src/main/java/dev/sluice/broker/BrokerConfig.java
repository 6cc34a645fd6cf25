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
 * @param maxDeliveryDelay        how far ahead a scheduled (DELAY) message may be due
 * @param transactions            when and how often unresolved transactions are checked with their producer
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
        int maxPendingSends,
        Duration maxDeliveryDelay,
        TransactionPolicy transactions) {

    public static final Duration DEFAULT_MAX_DELIVERY_DELAY = Duration.ofDays(40);

    public static final BrokerConfig DEFAULT = new BrokerConfig(false, true, 8, Duration.ofSeconds(60),
            Duration.ofHours(3), Duration.ofSeconds(10), Duration.ofHours(12), Duration.ofMinutes(10), 100_000);

    /** Settings with the default delivery-delay limit and transaction checks. */
    public BrokerConfig(boolean autoCreateTopics, boolean autoCreateGroups, int defaultQueues,
                        Duration autoRenewInvisible, Duration maxAutoRenew, Duration minInvisible,
                        Duration maxInvisible, Duration dedupWindow, int maxPendingSends) {
        this(autoCreateTopics, autoCreateGroups, defaultQueues, autoRenewInvisible, maxAutoRenew, minInvisible,
                maxInvisible, dedupWindow, maxPendingSends, DEFAULT_MAX_DELIVERY_DELAY, TransactionPolicy.DEFAULT);
    }

    public BrokerConfig {
        if (maxDeliveryDelay == null || maxDeliveryDelay.isNegative()) {
            throw new IllegalArgumentException("maxDeliveryDelay must be zero or positive");
        }
        if (transactions == null) {
            throw new IllegalArgumentException("transactions policy is required");
        }
    }

    public BrokerConfig withMaxDeliveryDelay(Duration delay) {
        return new BrokerConfig(autoCreateTopics, autoCreateGroups, defaultQueues, autoRenewInvisible, maxAutoRenew,
                minInvisible, maxInvisible, dedupWindow, maxPendingSends, delay, transactions);
    }

    public BrokerConfig withTransactions(TransactionPolicy policy) {
        return new BrokerConfig(autoCreateTopics, autoCreateGroups, defaultQueues, autoRenewInvisible, maxAutoRenew,
                minInvisible, maxInvisible, dedupWindow, maxPendingSends, maxDeliveryDelay, policy);
    }
}
