package dev.sluice.bench;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How a scenario consumes. */
public final class ConsumeOptions {

    @Option(names = "--consumer", defaultValue = "push", description = "push or simple (default: ${DEFAULT-VALUE})")
    ConsumerKind consumer;

    @Option(names = "--drain", defaultValue = "10s", converter = DurationParser.class,
            description = "After sending, how long to wait for the last messages (default: ${DEFAULT-VALUE})")
    Duration drain;
}
