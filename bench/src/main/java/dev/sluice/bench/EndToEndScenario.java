package dev.sluice.bench;

import dev.sluice.proto.admin.v1.TopicType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.rocketmq.client.apis.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * End-to-end latency (send → consumer) at a fixed rate, and whether every message arrived exactly
 * once: lost = sent OK but never consumed, duplicates = consumed successfully more than once.
 * The latency of the warm-up is reported apart, so what a cold broker costs stays visible.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, defaultValueProvider = EndToEndScenario.Defaults.class,
        description = "End-to-end latency at a fixed send rate with a consumer; lost and duplicate counts.")
public final class EndToEndScenario implements Scenario {

    /**
     * A longer warm-up than the other scenarios: with a fresh broker and a fresh client JVM on a
     * 2-core box, the broker's C2 compiler stays busy for 45-55 s of this load (JFR, 2026-12).
     */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            return arg instanceof OptionSpec option && "--warmup".equals(option.longestName()) ? "60s" : null;
        }
    }

    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    CommonOptions common;

    @Mixin
    SendOptions send;

    @Mixin
    ConsumeOptions consume;

    @Option(names = "--rate", defaultValue = "2000", description = "Total send rate, msg/s (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--body-size", defaultValue = "1024", description = "Message body bytes (default: ${DEFAULT-VALUE})")
    int bodySize;

    @Override
    public String name() {
        return "e2e";
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Report run(Target target) throws Exception {
        if (rate <= 0) {
            throw new IllegalArgumentException("e2e needs a fixed --rate > 0");
        }
        String topic = target.topic("e2e", TopicType.TOPIC_TYPE_NORMAL, 0);
        String group = target.group("e2e");
        DeliveryLedger ledger = new DeliveryLedger();
        LatencyRecorder latency = new LatencyRecorder();
        LatencyRecorder warmupLatency = new LatencyRecorder();
        Probe probe = new Probe();
        LongAdder foreign = new LongAdder();
        AtomicLong measureFromMicros = new AtomicLong(Long.MAX_VALUE);
        BenchConsumer.Handler handler = (view, receivedMicros) -> {
            Optional<BenchMessages.Stamp> stamp = BenchMessages.read(view, target.runId());
            if (stamp.isEmpty()) {
                foreign.increment();
            } else if (stamp.get().probe()) {
                probe.seen();
            } else if (ledger.received(stamp.get().seq())) {
                boolean measured = stamp.get().sentMicros() >= measureFromMicros.get();
                (measured ? latency : warmupLatency).recordMicros(receivedMicros - stamp.get().sentMicros());
            }
        };
        byte[] body = new byte[bodySize];
        List<Producer> producers = new ArrayList<>();
        try (BenchConsumer consumer = BenchConsumer.start(consume.consumer, target, group, topic, handler)) {
            producers.addAll(Producers.open(target, send.producers, topic, false));
            probe.await(producers.get(0), target, topic, false, PROBE_TIMEOUT);
            SendLoop loop = new SendLoop(producers, send.window, rate, Long.MAX_VALUE,
                    seq -> BenchMessages.build(target, topic, body, seq, false, null),
                    (seq, error) -> {
                        if (error == null) {
                            ledger.sent(seq);
                        }
                    }, common.requestTimeout.plus(Duration.ofSeconds(5)));
            Duration ramp = common.ramp();
            measureFromMicros.set(MicroClock.nowMicros() + common.warmup.toNanos() / 1000);
            SendLoop.Measurement m = loop.run(common.warmup, ramp, common.duration, "e2e " + target.endpoint());
            Drain.awaitWhileProgressing(ledger::complete, ledger::receivedCount, consume.drain,
                    common.duration.plus(common.warmup).plus(consume.drain));
            Percentiles warmupFigures = Percentiles.ofMicros(warmupLatency.takeInterval());
            return new Report(name(), target.endpoint())
                    .throughput(m.ok(), bodySize, m.seconds())
                    .latency(Percentiles.ofMicros(latency.takeInterval()))
                    .put(Report.SENT, ledger.sentCount())
                    .put(Report.RECEIVED, ledger.receivedCount())
                    .put(Report.LOST, ledger.lost())
                    .put(Report.DUPLICATES, ledger.duplicates())
                    .put(Report.ERRORS, loop.failed() + consumer.errors())
                    .put(Report.SERVER_RSS_MB, target.serverRssMib())
                    .put("target_rate", rate)
                    .put("consumer", consume.consumer.name())
                    .put("body_size", bodySize)
                    .put("warmup_s", common.warmup.toMillis() / 1000.0)
                    .put("ramp_s", ramp.toMillis() / 1000.0)
                    .put("warmup_p99_ms", warmupFigures.count() > 0 ? warmupFigures.p99Ms() : null)
                    .put("warmup_max_ms", warmupFigures.count() > 0 ? warmupFigures.maxMs() : null)
                    .put("foreign", foreign.sum() > 0 ? foreign.sum() : null)
                    .put("first_error", loop.firstError());
        } finally {
            Closing.all(producers);
        }
    }
}
