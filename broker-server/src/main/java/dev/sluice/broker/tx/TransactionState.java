package dev.sluice.broker.tx;

/** Where a transaction is. COMMITTING means the commit's append may or may not have happened yet. */
enum TransactionState {
    PENDING,
    COMMITTING,
    COMMITTED,
    ROLLED_BACK
}
