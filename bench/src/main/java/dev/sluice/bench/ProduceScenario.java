package dev.sluice.bench;

import dev.sluice.proto.admin.v1.TopicType;
import java.time.Duration;
import java.util.List;
import org.apache.rocketmq.client.apis.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Send throughput and send latency: N producers × a window of async sends, or a fixed rate. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Throughput and send latency percentiles of async sends (warm-up, then measure).")
public final class ProduceScenario implements Scenario {

    @Mixin
    CommonOptions common;

    @Mixin
    SendOptions send;

    @Option(names = "--body-size", defaultValue = "1024", description = "Message body bytes (default: ${DEFAULT-VALUE})")
    int bodySize;

    @Option(names = "--rate", defaultValue = "0",
            description = "Send at this total rate (msg/s) instead of as fast as possible, e.g. half the maximum for p99")
    double rate;

    @Override
    public String name() {
        return "produce";
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Report run(Target target) throws Exception {
        String topic = target.topic("produce", TopicType.TOPIC_TYPE_NORMAL, 0);
        byte[] body = new byte[bodySize];
        List<Producer> producers = Producers.open(target, send.producers, topic, false);
        try {
            SendLoop loop = new SendLoop(producers, send.window, rate, Long.MAX_VALUE,
                    seq -> BenchMessages.build(target, topic, body, seq, false, null),
                    (seq, error) -> { }, common.requestTimeout.plus(Duration.ofSeconds(5)));
            SendLoop.Measurement m = loop.run(common.warmup, common.ramp(), common.duration, "produce " + target.endpoint());
            return new Report(name(), target.endpoint())
                    .throughput(m.ok(), bodySize, m.seconds())
                    .latency(m.latency())
                    .put(Report.SENT, m.ok())
                    .put(Report.ERRORS, loop.failed())
                    .put(Report.SERVER_RSS_MB, target.serverRssMib())
                    .put("producers", send.producers)
                    .put("window", send.window)
                    .put("body_size", bodySize)
                    .put("target_rate", rate > 0 ? rate : null)
                    .put("first_error", loop.firstError());
        } finally {
            Closing.all(producers);
        }
    }
}
