package dev.sluice.broker;

/**
 * Why a broker operation was refused. The proxy maps each to the protocol's status code;
 * {@link #retryable} says whether the same request may succeed later.
 */
public enum BrokerError {
    ILLEGAL_ARGUMENT(false),
    ILLEGAL_TOPIC(false),
    ILLEGAL_GROUP(false),
    ILLEGAL_TAG(false),
    ILLEGAL_KEY(false),
    ILLEGAL_MESSAGE_GROUP(false),
    ILLEGAL_PROPERTY_KEY(false),
    PROPERTIES_TOO_LARGE(false),
    BODY_EMPTY(false),
    BODY_TOO_LARGE(false),
    ILLEGAL_FILTER_EXPRESSION(false),
    ILLEGAL_INVISIBLE_TIME(false),
    TOPIC_NOT_FOUND(false),
    TOPIC_EXISTS(false),
    GROUP_NOT_FOUND(false),
    GROUP_EXISTS(false),
    MESSAGE_TYPE_MISMATCH(false),
    INVALID_RECEIPT_HANDLE(false),
    MESSAGE_NOT_FOUND(false),
    /** A scheduled message's delivery time is missing or too far ahead. */
    ILLEGAL_DELIVERY_TIME(false),
    /** A transaction id that is malformed, unknown, or names a transaction already ended the other way. */
    INVALID_TRANSACTION_ID(false),
    /** Overloaded or temporarily unable to write (disk past watermark, store starting). */
    BUSY(true),
    INTERNAL(true);

    private final boolean retryable;

    BrokerError(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
