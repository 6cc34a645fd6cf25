package dev.sluice.broker.tx;

import dev.sluice.store.StoredMessage;

/**
 * A transaction the broker asks its producer about.
 *
 * @param message  the half message as its topic's consumers would see it
 * @param producer client id of the producer that sent it (preferred for the check when still connected)
 */
public record OrphanedTransaction(String transactionId, StoredMessage message, String producer) {
}
