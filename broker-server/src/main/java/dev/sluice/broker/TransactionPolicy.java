package dev.sluice.broker;

import java.time.Duration;

/**
 * How unresolved transactions are checked with their producer (RocketMQ's defaults: first check
 * after 6 s, at most 15 checks).
 *
 * @param firstCheck       how long after the half message the first check happens, unless the
 *                         message asks for its own {@code orphaned_transaction_recovery_duration}
 * @param checkInterval    wait after the first check; doubles after each further check
 * @param maxCheckInterval the longest wait between two checks
 * @param maxChecks        checks a producer answered (or ignored) before the transaction is rolled back
 * @param maxFirstCheck    the longest first-check delay a message may ask for
 */
public record TransactionPolicy(Duration firstCheck, Duration checkInterval, Duration maxCheckInterval,
                                int maxChecks, Duration maxFirstCheck) {

    public static final TransactionPolicy DEFAULT = new TransactionPolicy(Duration.ofSeconds(6),
            Duration.ofSeconds(30), Duration.ofMinutes(5), 15, Duration.ofHours(1));

    public TransactionPolicy {
        if (firstCheck.isNegative() || checkInterval.isZero() || checkInterval.isNegative()
                || maxCheckInterval.compareTo(checkInterval) < 0 || maxChecks < 1 || maxFirstCheck.isNegative()) {
            throw new IllegalArgumentException("invalid transaction policy: " + firstCheck + ", " + checkInterval
                    + ", " + maxCheckInterval + ", " + maxChecks + ", " + maxFirstCheck);
        }
    }

    /** Wait before the next check once {@code checksDone} checks (≥ 1) reached a producer. */
    public Duration backoff(int checksDone) {
        long millis = checkInterval.toMillis();
        for (int i = 1; i < checksDone && millis < maxCheckInterval.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxCheckInterval.toMillis()));
    }
}
