package dev.sluice.broker;

/**
 * A consumer group's settings, sent to its clients in the Telemetry Settings answer.
 *
 * @param maxDeliveryAttempts total deliveries of one message before it is dead-lettered
 */
public record GroupConfig(String name, boolean fifo, int maxDeliveryAttempts, RetryPolicy retryPolicy) {

    public static final int DEFAULT_MAX_DELIVERY_ATTEMPTS = 16;
    public static final int MAX_MAX_DELIVERY_ATTEMPTS = 1000;

    public GroupConfig {
        NameRules.checkGroup(name);
        if (name.startsWith(NameRules.SYSTEM_PREFIX)) {
            throw new BrokerException(BrokerError.ILLEGAL_GROUP, "group names starting with '%' are reserved: " + name);
        }
        if (maxDeliveryAttempts < 1 || maxDeliveryAttempts > MAX_MAX_DELIVERY_ATTEMPTS) {
            throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT,
                    "max delivery attempts must be between 1 and " + MAX_MAX_DELIVERY_ATTEMPTS
                            + ", got " + maxDeliveryAttempts);
        }
        if (retryPolicy == null) {
            retryPolicy = RetryPolicy.DEFAULT;
        }
    }

    public static GroupConfig defaults(String name) {
        return new GroupConfig(name, false, DEFAULT_MAX_DELIVERY_ATTEMPTS, RetryPolicy.DEFAULT);
    }

    /** The dead-letter topic of this group. */
    public String deadLetterTopic() {
        return deadLetterTopic(name);
    }

    public static String deadLetterTopic(String group) {
        return "%DLQ%" + group;
    }
}
