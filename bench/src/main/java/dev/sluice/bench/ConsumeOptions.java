package dev.sluice.bench;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How a scenario consumes. */
public final class ConsumeOptions {

    @Option(names = "--consumer", defaultValue = "push", description = "push or simple (default: ${DEFAULT-VALUE})")
    ConsumerKind consumer;

    @Option(names = "--drain", defaultValue = "10s", converter = DurationParser.class,
            description = "After sending, wait for the last messages until none arrived for this long; what is still missing then "
                    + "counts as lost (default: ${DEFAULT-VALUE})")
    Duration drain;
}
