package dev.sluice.admin;

/**
 * Somewhere else the broker's topics and consumer groups are copied to (the controller embedded
 * in {@code sluice standalone}). An admin change answers only once it is copied, or fails saying
 * it was not — the broker keeps the change either way; it is the source of truth.
 */
@FunctionalInterface
public interface ChangeMirror {

    ChangeMirror NONE = subject -> { };

    /**
     * Blocks until every change made so far is copied.
     *
     * @param subject what the caller changed, e.g. {@code topic 'orders'}, to name it in the error
     * @throws dev.sluice.broker.BrokerException when that change could not be copied
     */
    void awaitMirrored(String subject);

    /** The subject naming a change of this topic. */
    static String topic(String name) {
        return "topic '" + name + "'";
    }

    /** The subject naming a change of this consumer group. */
    static String group(String name) {
        return "consumer group '" + name + "'";
    }
}
