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
    private final ConcurrentMap<Labels, Flow> in = new ConcurrentHashMap<>();
    private final ConcurrentMap<Labels, Flow> out = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DistributionSummary> latencies = new ConcurrentHashMap<>();

    /** The labels of one flow: a topic and a message type or consumer group. */
    private record Labels(String topic, String second) {
    }

    /** The message and byte counters of one flow. */
    private record Flow(Counter messages, Counter bytes) {
        void add(int byteCount) {
            messages.increment();
            bytes.increment(byteCount);
        }
    }

    public TrafficMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void messageIn(String topic, String messageType, int bytes) {
        in.computeIfAbsent(new Labels(topic, messageType), labels -> flow("in", "message_type", labels)).add(bytes);
    }

    void messageOut(String topic, String group, int bytes) {
        out.computeIfAbsent(new Labels(topic, group), labels -> flow("out", "consumer_group", labels)).add(bytes);
    }

    void rpc(String rpc, String responseCode, long nanos) {
        latencies.computeIfAbsent(rpc + '\0' + responseCode, k -> DistributionSummary.builder("rocketmq.rpc.latency")
                        .description("Time to answer a RocketMQ RPC, in milliseconds")
                        .tags("protocol_type", "grpc", "request_code", rpc, "response_code", responseCode)
                        .serviceLevelObjectives(RPC_BUCKETS_MS)
                        .register(registry))
                .record(nanos / 1_000_000.0);
    }

    private Flow flow(String direction, String secondLabel, Labels labels) {
        return new Flow(counter("rocketmq.messages." + direction, secondLabel, labels),
                counter("rocketmq.throughput." + direction, secondLabel, labels));
    }

    private Counter counter(String name, String secondLabel, Labels labels) {
        return Counter.builder(name).tags("topic", labels.topic(), secondLabel, labels.second()).register(registry);
    }
}
