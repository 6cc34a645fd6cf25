package dev.sluice.controller.image;

import java.util.List;

/**
 * How long a consumer group waits before a message that was not acked is delivered again.
 * The limits are the broker's ({@code dev.sluice.broker.RetryPolicy}), so whatever a broker
 * accepts the controller accepts too.
 */
public sealed interface RetryPolicy permits RetryPolicy.Exponential, RetryPolicy.Customized {

    long LONGEST_BACKOFF_MS = 24 * 3600_000L;
    int MAX_CUSTOMIZED_STEPS = 64;

    /** Backoff that starts at {@code initialMs} and grows by {@code multiplier} up to {@code maxMs}. */
    record Exponential(long initialMs, long maxMs, double multiplier) implements RetryPolicy {
        public Exponential {
            if (initialMs < 0 || maxMs < initialMs || maxMs > LONGEST_BACKOFF_MS || !(multiplier >= 1.0)
                    || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("exponential backoff needs 0 <= initial <= max <= 24h and a "
                        + "finite multiplier >= 1, got " + initialMs + "ms/" + maxMs + "ms/" + multiplier);
            }
        }
    }

    /** One explicit backoff per attempt; the last one repeats. */
    record Customized(List<Long> backoffsMs) implements RetryPolicy {
        public Customized {
            backoffsMs = List.copyOf(backoffsMs);
            if (backoffsMs.isEmpty() || backoffsMs.size() > MAX_CUSTOMIZED_STEPS
                    || backoffsMs.stream().anyMatch(b -> b < 0 || b > LONGEST_BACKOFF_MS)) {
                throw new IllegalArgumentException("customized backoff needs 1 to " + MAX_CUSTOMIZED_STEPS
                        + " steps of 0 to 24h, got " + backoffsMs);
            }
        }
    }

    static RetryPolicy defaultPolicy() {
        return new Exponential(1_000, 60_000, 2.0);
    }
}
