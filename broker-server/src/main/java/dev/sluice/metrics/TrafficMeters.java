package dev.sluice.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counters of messages and bytes in and out per topic, and the RPC latency histogram, with
 * Apache RocketMQ 5's names and buckets. Meters are looked up once per label set and cached.
 */
public final class TrafficMeters {

    /** RocketMQ's rpc latency buckets, in milliseconds. */
    private static final double[] RPC_BUCKETS_MS = {1, 3, 5, 10, 100, 1000, 3000};

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DistributionSummary> latencies = new ConcurrentHashMap<>();

    public TrafficMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void messageIn(String topic, String messageType, int bytes) {
        counter("rocketmq.messages.in", "message_type", topic, messageType).increment();
        counter("rocketmq.throughput.in", "message_type", topic, messageType).increment(bytes);
    }

    void messageOut(String topic, String group, int bytes) {
        counter("rocketmq.messages.out", "consumer_group", topic, group).increment();
        counter("rocketmq.throughput.out", "consumer_group", topic, group).increment(bytes);
    }

    void rpc(String rpc, String responseCode, long nanos) {
        latencies.computeIfAbsent(rpc + '\0' + responseCode, k -> DistributionSummary.builder("rocketmq.rpc.latency")
                        .description("Time to answer a RocketMQ RPC, in milliseconds")
                        .tags("protocol_type", "grpc", "request_code", rpc, "response_code", responseCode)
                        .serviceLevelObjectives(RPC_BUCKETS_MS)
                        .register(registry))
                .record(nanos / 1_000_000.0);
    }

    private Counter counter(String name, String secondLabel, String topic, String second) {
        return counters.computeIfAbsent(name + '\0' + topic + '\0' + second, k -> Counter.builder(name)
                .tags("topic", topic, secondLabel, second)
                .register(registry));
    }
}
