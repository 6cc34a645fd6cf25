package dev.sluice.broker.tx;

/**
 * Transaction outcomes since the broker started.
 *
 * @param expired rolled back because the producer never resolved them within the check limit
 */
public record TransactionStats(long committed, long rolledBack, long expired) {
}
