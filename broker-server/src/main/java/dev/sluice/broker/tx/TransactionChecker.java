package dev.sluice.broker.tx;

/**
 * Reaches producers for transaction checks; the proxy implements it over Telemetry streams.
 * Called on the broker's transaction thread: it must hand the request over and return.
 */
@FunctionalInterface
public interface TransactionChecker {

    /** Sends the check to a live producer of the transaction's topic; false when none is connected. */
    boolean check(OrphanedTransaction transaction);

    TransactionChecker NONE = transaction -> false;
}
