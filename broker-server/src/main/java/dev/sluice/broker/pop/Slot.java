package dev.sluice.broker.pop;

/**
 * What a consumer group knows about one delivered offset above its ack frontier: still in
 * flight (invisible until a deadline) or already consumed (acked, filtered out, dead-lettered).
 */
sealed interface Slot permits Slot.InFlight, Slot.Done {

    /**
     * A delivered, unacknowledged message.
     *
     * @param deadline      epoch millis it becomes visible again
     * @param renewUntil    epoch millis after which the broker stops renewing it (0 = never renewed)
     * @param messageGroup  the FIFO message group it blocks ("" when none)
     * @param suspended     the consumer asked for time without failing, so the next delivery
     *                      keeps this attempt number
     * @param backoffDue    the deadline is when the consumer's time runs out: if it passes without
     *                      an ack, the group's backoff for this attempt follows before the message
     *                      is visible again. False once the deadline is a visibility time (a nack,
     *                      a departed client, a backoff already applied).
     */
    record InFlight(long deliveryId, int attempt, long deadline, long renewUntil, String clientId,
                    String messageGroup, boolean suspended, boolean backoffDue) implements Slot {

        boolean autoRenew() {
            return renewUntil > 0;
        }

        InFlight withDeadline(long newDeadline, long newRenewUntil, boolean newSuspended) {
            return new InFlight(deliveryId, attempt, newDeadline, newRenewUntil, clientId, messageGroup, newSuspended,
                    backoffDue);
        }

        /** Visible again at {@code at}, with no renewal and no further backoff. */
        InFlight visibleAt(long at, boolean newSuspended) {
            return new InFlight(deliveryId, attempt, at, 0, clientId, messageGroup, newSuspended, false);
        }

        int nextAttempt() {
            return suspended ? attempt : attempt + 1;
        }
    }

    /** Consumed; kept only until the frontier moves past it. */
    record Done() implements Slot {
    }

    Done DONE = new Done();
}
