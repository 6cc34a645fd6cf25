package dev.sluice.launcher;

import dev.sluice.broker.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The retry-policy flags of {@code group create|update}; flags left out keep {@code base}'s values. */
final class RetryOptions {

    @Option(names = "--retry-initial", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait before the first redelivery, e.g. 1s.")
    Duration initial;

    @Option(names = "--retry-multiplier", paramLabel = "X", description = "Growth of the wait per attempt, e.g. 2.")
    Double multiplier;

    @Option(names = "--retry-max", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait between redeliveries, e.g. 60s.")
    Duration max;

    boolean anyGiven() {
        return initial != null || multiplier != null || max != null;
    }

    /** The policy to send, or empty when no retry flag was given (the server keeps or defaults it). */
    Optional<dev.sluice.proto.admin.v1.RetryPolicy> over(RetryPolicy base) {
        if (!anyGiven()) {
            return Optional.empty();
        }
        return Optional.of(dev.sluice.proto.admin.v1.RetryPolicy.newBuilder()
                .setInitialBackoffMillis((initial == null ? base.initial() : initial).toMillis())
                .setMultiplier(multiplier == null ? base.multiplier() : multiplier)
                .setMaxBackoffMillis((max == null ? base.max() : max).toMillis())
                .build());
    }
}
