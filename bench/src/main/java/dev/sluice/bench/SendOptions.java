package dev.sluice.bench;

import picocli.CommandLine.Option;

/** How a scenario's producers send. */
public final class SendOptions {

    @Option(names = "--producers", defaultValue = "1", description = "Producer clients (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--window", defaultValue = "256",
            description = "Async sends in flight per producer; this, not thread counts, drives throughput (default: ${DEFAULT-VALUE})")
    int window;
}
