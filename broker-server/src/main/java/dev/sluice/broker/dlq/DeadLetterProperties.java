package dev.sluice.broker.dlq;

/** System-property names a dead-letter copy carries about its original. */
public final class DeadLetterProperties {

    public static final String ORIGIN_TOPIC = "ORIGIN_TOPIC";
    public static final String ORIGIN_QUEUE = "ORIGIN_QUEUE_ID";
    public static final String ORIGIN_OFFSET = "ORIGIN_QUEUE_OFFSET";
    public static final String ORIGIN_KIND = "ORIGIN_MESSAGE_TYPE";
    public static final String ORIGIN_MESSAGE_GROUP = "ORIGIN_MESSAGE_GROUP";
    public static final String ORIGIN_DELIVERY_TIMESTAMP = "ORIGIN_DELIVERY_TIMESTAMP";
    public static final String CONSUMER_GROUP = "DLQ_CONSUMER_GROUP";
    public static final String DELIVERY_ATTEMPTS = "DELIVERY_ATTEMPTS";
    public static final String REASON = "DLQ_REASON";
    public static final String TIME = "DLQ_TIME";

    private DeadLetterProperties() {
    }
}
