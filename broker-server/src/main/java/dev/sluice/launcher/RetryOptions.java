package dev.sluice.launcher;

import dev.sluice.broker.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The retry-policy flags of {@code group create|update}; flags left out keep {@code base}'s values. */
final class RetryOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--retry-initial", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait before the first redelivery, e.g. 1s.")
    Duration initial;

    @Option(names = "--retry-multiplier", paramLabel = "X", description = "Growth of the wait per attempt, e.g. 2.")
    Double multiplier;

    @Option(names = "--retry-max", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait between redeliveries, e.g. 60s.")
    Duration max;

    @Option(names = "--retry-steps", paramLabel = "DURATION[,DURATION…]", split = ",",
            converter = DurationConverter.class,
            description = "A customized backoff instead: the n-th failure waits the n-th step, the last repeats "
                    + "(RocketMQ's classic: 10s,30s,1m,2m,3m,4m,5m,6m,7m,8m,9m,10m,20m,30m,1h,2h).")
    List<Duration> steps;

    boolean anyGiven() {
        return initial != null || multiplier != null || max != null || steps != null;
    }

    /** The policy to send, or empty when no retry flag was given (the server keeps or defaults it). */
    Optional<dev.sluice.proto.admin.v1.RetryPolicy> over(RetryPolicy base) {
        if (!anyGiven()) {
            return Optional.empty();
        }
        if (steps != null) {
            if (initial != null || multiplier != null || max != null) {
                throw new CommandLine.ParameterException(command.commandLine(), "--retry-steps replaces --retry-initial/--retry-multiplier/--retry-max;"
                        + " give one or the other");
            }
            return Optional.of(dev.sluice.proto.admin.v1.RetryPolicy.newBuilder()
                    .addAllCustomizedBackoffMillis(steps.stream().map(Duration::toMillis).toList())
                    .build());
        }
        if (base.isCustomized()) {
            // switching a customized group back to exponential: start from the default exponential values
            base = RetryPolicy.DEFAULT;
        }
        return Optional.of(dev.sluice.proto.admin.v1.RetryPolicy.newBuilder()
                .setInitialBackoffMillis((initial == null ? base.initial() : initial).toMillis())
                .setMultiplier(multiplier == null ? base.multiplier() : multiplier)
                .setMaxBackoffMillis((max == null ? base.max() : max).toMillis())
                .build());
    }
}
