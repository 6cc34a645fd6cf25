package dev.sluice.bench;

import dev.sluice.proto.admin.v1.TopicType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.rocketmq.client.apis.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Whether throughput holds up with many queues: sends spread over topics × queues-per-topic
 * queues, then the same run on one topic of 8 queues, and the ratio of the two.
 */
@Command(name = "queues", mixinStandardHelpOptions = true,
        description = "Throughput with sends spread over many queues (created via the admin API) relative to 8 queues.")
public final class QueuesScenario implements Scenario {

    static final int BASELINE_QUEUES = 8;

    @Mixin
    CommonOptions common;

    @Mixin
    SendOptions send;

    @Option(names = "--topics", defaultValue = "1000", description = "Topics to spread over (default: ${DEFAULT-VALUE})")
    int topics;

    @Option(names = "--queues-per-topic", defaultValue = "10", description = "Queues per topic (default: ${DEFAULT-VALUE})")
    int queuesPerTopic;

    @Option(names = "--body-size", defaultValue = "1024", description = "Message body bytes (default: ${DEFAULT-VALUE})")
    int bodySize;

    /** One phase's outcome: its throughput figures and how many sends failed. */
    private record Phase(SendLoop.Measurement measurement, long errors, String firstError) {
        double rate() {
            return measurement.seconds() > 0 ? measurement.ok() / measurement.seconds() : 0;
        }
    }

    @Override
    public String name() {
        return "queues";
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Report run(Target target) throws Exception {
        if (topics < 1 || queuesPerTopic < 1) {
            throw new IllegalArgumentException("--topics and --queues-per-topic must be at least 1");
        }
        AdminTopics admin = target.requireAdmin("queues");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < topics; i++) {
            many.add(target.uniqueName("spread" + i));
        }
        // baseline, spread, baseline again: the client JVM warms up during the first phase (on 2 cores
        // its JIT takes a minute), so whichever phase ran first alone would look slow
        String single = target.uniqueName("baseline");
        admin.createTopic(single, TopicType.TOPIC_TYPE_NORMAL, BASELINE_QUEUES);
        Phase before = sendPhase(target, List.of(single), BASELINE_QUEUES + " queues");

        long createStart = System.nanoTime();
        admin.createTopics(many, TopicType.TOPIC_TYPE_NORMAL, queuesPerTopic);
        double createSeconds = (System.nanoTime() - createStart) / 1e9;
        Phase spread = sendPhase(target, many, topics * queuesPerTopic + " queues");
        Phase baseline = sendPhase(target, List.of(single), BASELINE_QUEUES + " queues");

        return new Report(name(), target.endpoint())
                .throughput(spread.measurement().ok(), bodySize, spread.measurement().seconds())
                .latency(spread.measurement().latency())
                .put(Report.SENT, spread.measurement().ok())
                .put(Report.ERRORS, spread.errors())
                .put(Report.SERVER_RSS_MB, target.serverRssMib())
                .put("queues", topics * queuesPerTopic)
                .put("topics", topics)
                .put("topic_create_s", createSeconds)
                .put("baseline_queues", BASELINE_QUEUES)
                .put("baseline_msgs_per_s", baseline.rate())
                .put("first_baseline_msgs_per_s", before.rate())
                .put("baseline_p99_ms", baseline.measurement().latency().p99Ms())
                .put("baseline_errors", before.errors() + baseline.errors())
                .put("ratio", baseline.rate() > 0 ? spread.rate() / baseline.rate() : null)
                .put("first_error", Stream.of(before, spread, baseline).map(Phase::firstError).filter(Objects::nonNull).findFirst().orElse(null));
    }

    /** Round-robin over the topics; within a topic the client itself rotates over its queues. */
    private Phase sendPhase(Target target, List<String> topicNames, String label) throws Exception {
        byte[] body = new byte[bodySize];
        List<Producer> producers = Producers.open(target, send.producers, topicNames.get(0), false);
        try {
            int n = topicNames.size();
            SendLoop loop = new SendLoop(producers, send.window, 0, Long.MAX_VALUE,
                    seq -> BenchMessages.build(target, topicNames.get((int) (seq % n)), body, seq, false, null),
                    (seq, error) -> { }, common.requestTimeout.plus(Duration.ofSeconds(5)));
            SendLoop.Measurement m = loop.run(common.warmup, common.duration, "queues " + label + " " + target.endpoint());
            return new Phase(m, loop.failed(), loop.firstError());
        } finally {
            Closing.all(producers);
        }
    }
}
