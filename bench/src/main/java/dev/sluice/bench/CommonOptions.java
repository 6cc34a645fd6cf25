package dev.sluice.bench;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every scenario takes: where to connect, how long, what to compare, where to write. */
public final class CommonOptions {

    @Option(names = "--endpoint", required = true, description = "RocketMQ 5 gRPC endpoint, host:port (A in a comparison)")
    String endpoint;

    @Option(names = "--compare", paramLabel = "ENDPOINT2",
            description = "Also run against this endpoint, alternately A B A B, and print medians and the ratio B/A")
    String compare;

    @Option(names = "--rounds", defaultValue = "2", description = "Runs per endpoint with --compare (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationParser.class,
            description = "Measured time (default: ${DEFAULT-VALUE})")
    Duration duration;

    // a fresh client JVM (and a fresh server) spend their first ~20 s of load in the JIT on a 2-core box
    @Option(names = "--warmup", defaultValue = "20s", converter = DurationParser.class,
            description = "Time before measuring starts, thrown away (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--ramp", converter = DurationParser.class,
            description = "At a fixed --rate, the rate rises from 0 over this first part of the warm-up (default: half the warm-up)")
    Duration ramp;

    @Option(names = "--server-pid", description = "Report this process's RSS (Linux /proc) for endpoint A")
    Long serverPid;

    @Option(names = "--compare-server-pid", description = "Report this process's RSS for the --compare endpoint")
    Long compareServerPid;

    @Option(names = "--json-out", paramLabel = "FILE", description = "Also append the JSON line to this file")
    Path jsonOut;

    @Option(names = "--tls", description = "Connect with TLS (server certificates are not verified)")
    boolean tls;

    @Option(names = "--request-timeout", defaultValue = "10s", converter = DurationParser.class,
            description = "Client request timeout (default: ${DEFAULT-VALUE})")
    Duration requestTimeout;

    @Option(names = "--topic", description = "Use this existing topic instead of creating one per run (other brokers)")
    String topic;

    @Option(names = "--no-admin", description = "Do not create topics/groups through Sluice's admin API; needs --topic, "
            + "and the broker must create consumer groups on first use")
    boolean noAdmin;

    /** The ramp at the start of the warm-up; refused when it is longer than the warm-up. */
    Duration ramp() {
        Duration r = ramp == null ? warmup.dividedBy(2) : ramp;
        if (r.isNegative() || r.compareTo(warmup) > 0) {
            throw new IllegalArgumentException("--ramp (" + r + ") must be between 0 and the warm-up (" + warmup + ")");
        }
        return r;
    }

    @Option(names = "--keep-topics", description = "Do not delete the topics and groups a run created")
    boolean keepTopics;
}
