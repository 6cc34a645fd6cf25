package dev.sluice.broker;

import java.time.Duration;
import java.util.List;

/**
 * How long a consumer group waits before a failed message is delivered again.
 * Exponential: {@code min(initial × multiplier^(attempt−1), max)}; customized: the
 * {@code attempt}-th entry of a list, the last one repeating.
 *
 * @param customized empty for exponential backoff
 */
public record RetryPolicy(Duration initial, double multiplier, Duration max, List<Duration> customized) {

    // declared before the policies below: their construction validates against these
    public static final Duration LONGEST_BACKOFF = Duration.ofHours(24);
    public static final int MAX_CUSTOMIZED_STEPS = 64;

    /** Whole seconds by default: the Node client reads only the seconds of these durations. */
    public static final RetryPolicy DEFAULT = exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60));

    /** RocketMQ's classic delay levels, for groups migrating from it. */
    public static final RetryPolicy CLASSIC = customized(List.of(
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
            Duration.ofMinutes(3), Duration.ofMinutes(4), Duration.ofMinutes(5), Duration.ofMinutes(6),
            Duration.ofMinutes(7), Duration.ofMinutes(8), Duration.ofMinutes(9), Duration.ofMinutes(10),
            Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2)));

    public RetryPolicy {
        customized = List.copyOf(customized == null ? List.of() : customized);
        if (customized.isEmpty()) {
            if (initial == null || max == null || initial.isNegative() || max.compareTo(initial) < 0
                    || max.compareTo(LONGEST_BACKOFF) > 0 || !(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "exponential backoff needs 0 <= initial <= max <= "
                        + LONGEST_BACKOFF + " and a finite multiplier >= 1");
            }
        } else {
            if (customized.size() > MAX_CUSTOMIZED_STEPS) {
                throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT,
                        "a customized backoff has at most " + MAX_CUSTOMIZED_STEPS + " steps");
            }
            for (Duration step : customized) {
                if (step == null || step.isNegative() || step.compareTo(LONGEST_BACKOFF) > 0) {
                    throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT,
                            "every backoff step must be between 0 and " + LONGEST_BACKOFF + ", got " + step);
                }
            }
            initial = customized.get(0);
            max = customized.get(customized.size() - 1);
            multiplier = 1.0;
        }
    }

    public static RetryPolicy exponential(Duration initial, double multiplier, Duration max) {
        return new RetryPolicy(initial, multiplier, max, List.of());
    }

    public static RetryPolicy customized(List<Duration> steps) {
        if (steps == null || steps.isEmpty()) {
            throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "a customized backoff needs at least one step");
        }
        return new RetryPolicy(null, 1.0, null, steps);
    }

    public boolean isCustomized() {
        return !customized.isEmpty();
    }

    /** The wait after delivery attempt {@code attempt} (1-based) failed. */
    public Duration backoff(int attempt) {
        int index = Math.max(1, attempt) - 1;
        if (isCustomized()) {
            return customized.get(Math.min(index, customized.size() - 1));
        }
        double millis = initial.toMillis() * Math.pow(multiplier, index);
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }
}
