package dev.sluice.broker.dlq;

/**
 * One dead-lettered message as {@code sluice admin dlq list} shows it.
 *
 * @param dlqOffset  its position in the dead-letter topic (the redrive bookkeeping key)
 * @param time       epoch millis it was dead-lettered
 * @param redriven   already sent back to its topic
 */
public record DeadLetterEntry(String messageId, String originTopic, int attempts, String reason, long time,
                              long dlqOffset, boolean redriven) {
}
