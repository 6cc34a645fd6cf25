package dev.sluice.broker.pop;

/**
 * What a consumer group knows about one delivered offset above its ack frontier: still in
 * flight (invisible until a deadline) or already consumed (acked, filtered out).
 */
sealed interface Slot permits Slot.InFlight, Slot.Done {

    /**
     * A delivered, unacknowledged message.
     *
     * @param deadline    epoch millis it becomes visible again
     * @param renewUntil  epoch millis after which the broker stops renewing it (0 = never renewed)
     */
    record InFlight(long deliveryId, int attempt, long deadline, long renewUntil, String clientId) implements Slot {

        boolean autoRenew() {
            return renewUntil > 0;
        }

        InFlight withDeadline(long newDeadline, long newRenewUntil) {
            return new InFlight(deliveryId, attempt, newDeadline, newRenewUntil, clientId);
        }
    }

    /** Consumed; kept only until the frontier moves past it. */
    record Done() implements Slot {
    }

    Done DONE = new Done();
}
