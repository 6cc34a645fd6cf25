package dev.sluice.broker.history;

/**
 * Something that happened to one message in one consumer group.
 *
 * @param attempt      the delivery attempt the event belongs to
 * @param nextVisible  epoch millis the message becomes visible again (0 when it will not)
 * @param detail       the consumer's client id for deliveries, the reason for dead-lettering
 */
public record DeliveryEvent(String group, Type type, long time, int attempt, long nextVisible, String detail) {

    public enum Type {
        DELIVERED,
        ACKED,
        /** The consumer gave the message back (ChangeInvisibleDuration / nack). */
        NACKED,
        /** The consumer's client went away; its messages were made visible at once. */
        RELEASED,
        DEAD_LETTERED,
        REDRIVEN,
        /** Filtered out by the group's tag expression: consumed without delivery. */
        FILTERED,
        /** The broker extended the invisible time of a delivery to a live push consumer. */
        RENEWED
    }
}
