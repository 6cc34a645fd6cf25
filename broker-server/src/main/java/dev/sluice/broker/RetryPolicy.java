package dev.sluice.broker;

import java.time.Duration;

/**
 * How long a consumer group waits before a failed or timed-out message is delivered again.
 * Exponential: {@code min(initial × multiplier^(attempt−1), max)}.
 */
public record RetryPolicy(Duration initial, double multiplier, Duration max) {

    /** Whole seconds by default: the Node client reads only the seconds of these durations. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60));

    public RetryPolicy {
        if (initial == null || initial.isNegative() || max == null || max.compareTo(initial) < 0 || multiplier < 1.0) {
            throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT,
                    "retry policy needs 0 <= initial <= max and multiplier >= 1");
        }
    }

    /** The wait after delivery attempt {@code attempt} (1-based) failed. */
    public Duration backoff(int attempt) {
        double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }
}
