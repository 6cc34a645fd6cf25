package dev.sluice.broker.tx;

/**
 * An unresolved transaction, for the admin API.
 *
 * @param producer        client id of the producer that sent the half message
 * @param createdMillis   epoch millis the half message was stored
 * @param checks          checks that reached a live producer so far
 * @param nextCheckMillis epoch millis of the next check
 */
public record PendingTransaction(String transactionId, String topic, String messageId, String producer,
                                 long createdMillis, int checks, long nextCheckMillis) {
}
