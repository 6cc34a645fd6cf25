package dev.sluice.controller.image;

import java.util.List;

/** How long a consumer group waits before a message that was not acked is delivered again. */
public sealed interface RetryPolicy permits RetryPolicy.Exponential, RetryPolicy.Customized {

    /** Backoff that starts at {@code initialMs} and grows by {@code multiplier} up to {@code maxMs}. */
    record Exponential(long initialMs, long maxMs, double multiplier) implements RetryPolicy {
        public Exponential {
            if (initialMs <= 0 || maxMs < initialMs || multiplier < 1.0) {
                throw new IllegalArgumentException(
                        "exponential backoff needs 0 < initial <= max and multiplier >= 1, got "
                                + initialMs + "/" + maxMs + "/" + multiplier);
            }
        }
    }

    /** One explicit backoff per attempt; the last one repeats. */
    record Customized(List<Long> backoffsMs) implements RetryPolicy {
        public Customized {
            backoffsMs = List.copyOf(backoffsMs);
            if (backoffsMs.isEmpty() || backoffsMs.stream().anyMatch(b -> b <= 0)) {
                throw new IllegalArgumentException("customized backoff needs at least one positive duration");
            }
        }
    }

    static RetryPolicy defaultPolicy() {
        return new Exponential(1_000, 60_000, 2.0);
    }
}
