package dev.sluice.broker.timer;

/**
 * Scheduled messages of one topic that are not yet due.
 *
 * @param nextDueMillis epoch millis the earliest of them is due
 */
public record PendingTimers(String topic, long count, long nextDueMillis) {
}
