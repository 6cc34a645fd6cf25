package dev.sluice.bench;

import dev.sluice.proto.admin.v1.TopicType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scheduled messages due over the next {@code --spread} at a fixed rate: how late each arrives
 * after its delivery timestamp. With {@code --burst N}, instead N messages all due at the same
 * instant: how long the broker takes to hand them all out. A server that refuses scheduled
 * messages gets an "unsupported" report carrying its own answer, never made-up figures.
 */
@Command(name = "delay", mixinStandardHelpOptions = true,
        description = "Lateness of scheduled messages (delivery timestamp) due over the next seconds, at a fixed rate, "
                + "or (--burst) all due at the same instant.")
public final class DelayScenario implements Scenario {

    /** Admin answers that mean "this server does not do scheduled topics", not "the run failed". */
    private static final Set<Status.Code> REFUSALS = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.UNIMPLEMENTED, Status.Code.FAILED_PRECONDITION);

    @Mixin
    CommonOptions common;

    @Mixin
    SendOptions send;

    @Mixin
    ConsumeOptions consume;

    @Option(names = "--rate", defaultValue = "1000", description = "Total send rate, msg/s (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--spread", defaultValue = "10s", converter = DurationParser.class,
            description = "Messages fall due evenly over this much time after being sent (default: ${DEFAULT-VALUE})")
    Duration spread;

    @Option(names = "--body-size", defaultValue = "1024", description = "Message body bytes (default: ${DEFAULT-VALUE})")
    int bodySize;

    @Option(names = "--burst", defaultValue = "0", paramLabel = "N",
            description = "Instead of --rate/--duration: send N messages as fast as the window allows, all due at "
                    + "the same instant --spread after sending starts (sending must finish before), and report how "
                    + "long they take to arrive (default: off)")
    long burst;

    @Override
    public String name() {
        return "delay";
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Report run(Target target) throws Exception {
        if (rate <= 0 || spread.toMillis() < 1 || burst < 0) {
            throw new IllegalArgumentException("delay needs --rate > 0, --spread of at least 1ms and --burst ≥ 0");
        }
        String topic;
        try {
            topic = target.topic("delay", TopicType.TOPIC_TYPE_DELAY, 0);
        } catch (StatusRuntimeException e) {
            if (REFUSALS.contains(e.getStatus().getCode())) {
                return unsupported(target, "creating a DELAY topic: " + e.getStatus());
            }
            throw e;
        }
        String group = target.group("delay");
        DeliveryLedger ledger = new DeliveryLedger();
        LatencyRecorder lateness = new LatencyRecorder();
        Probe probe = new Probe();
        LongAdder early = new LongAdder();
        AtomicLong earliestMicros = new AtomicLong();
        AtomicLong lastReceivedMicros = new AtomicLong();
        AtomicLong measureFromMicros = new AtomicLong(Long.MAX_VALUE);
        BenchConsumer.Handler handler = (view, receivedMicros) -> {
            Optional<BenchMessages.Stamp> stamp = BenchMessages.read(view, target.runId());
            if (stamp.isEmpty()) {
                return;
            }
            if (stamp.get().probe()) {
                probe.seen();
                return;
            }
            long dueMicros = stamp.get().dueMillis() * 1000;
            if (ledger.received(stamp.get().seq()) && stamp.get().sentMicros() >= measureFromMicros.get()) {
                if (receivedMicros < dueMicros) {
                    early.increment();
                    earliestMicros.accumulateAndGet(dueMicros - receivedMicros, Math::max);
                }
                lateness.recordMicros(receivedMicros - dueMicros);
                lastReceivedMicros.accumulateAndGet(receivedMicros, Math::max);
            }
        };
        byte[] body = new byte[bodySize];
        List<Producer> producers = new ArrayList<>();
        try (BenchConsumer consumer = BenchConsumer.start(consume.consumer, target, group, topic, handler)) {
            try {
                producers.addAll(Producers.open(target, send.producers, topic, true));
                probe.await(producers.get(0), target, topic, true, EndToEndScenario.PROBE_TIMEOUT);
            } catch (ClientException | IllegalArgumentException refused) {
                return unsupported(target, "sending a scheduled message: " + refused.getMessage());
            }
            long spreadMillis = spread.toMillis();
            long burstDueMillis = MicroClock.nowMillis() + spreadMillis;
            SendLoop.MessageFactory messages = burst > 0
                    ? seq -> BenchMessages.build(target, topic, body, seq, false, burstDueMillis)
                    : seq -> BenchMessages.build(target, topic, body, seq, false, MicroClock.nowMillis() + dueIn(seq, spreadMillis));
            SendLoop loop = new SendLoop(producers, send.window, burst > 0 ? 0 : rate, burst > 0 ? burst : Long.MAX_VALUE,
                    messages, (seq, error) -> {
                        if (error == null) {
                            ledger.sent(seq);
                        }
                    }, common.requestTimeout.plus(Duration.ofSeconds(5)));
            SendLoop.Measurement m;
            if (burst > 0) {
                measureFromMicros.set(0);
                m = loop.run(Duration.ZERO, spread, "delay burst " + target.endpoint());
                if (loop.succeeded() + loop.failed() < burst || MicroClock.nowMillis() >= burstDueMillis) {
                    throw new IllegalArgumentException("sending the burst took longer than --spread " + spread
                            + " (" + loop.succeeded() + " of " + burst + " sent): raise --spread");
                }
            } else {
                measureFromMicros.set(MicroClock.nowMicros() + common.warmup.toNanos() / 1000);
                m = loop.run(common.warmup, common.ramp(), common.duration, "delay " + target.endpoint());
            }
            Drain.await(ledger::complete, spread.plus(consume.drain));
            Report report = new Report(name(), target.endpoint())
                    .throughput(m.ok(), bodySize, m.seconds())
                    .latency(Percentiles.ofMicros(lateness.takeInterval()))
                    .put(Report.SENT, ledger.sentCount())
                    .put(Report.RECEIVED, ledger.receivedCount())
                    .put(Report.LOST, ledger.lost())
                    .put(Report.DUPLICATES, ledger.duplicates())
                    .put(Report.ERRORS, loop.failed() + consumer.errors())
                    .put(Report.SERVER_RSS_MB, target.serverRssMib())
                    .put("status", "ok")
                    .put("early", early.sum())
                    .put("early_max_ms", early.sum() > 0 ? earliestMicros.get() / 1000.0 : null);
            if (burst > 0) {
                // from the instant they were all due until the last one arrived
                report.put("burst", burst).put("burst_drain_s", ledger.receivedCount() > 0
                        ? (lastReceivedMicros.get() - burstDueMillis * 1000) / 1e6 : null);
            } else {
                report.put("target_rate", rate).put("spread_s", spread.toMillis() / 1000.0);
            }
            return report.put("consumer", consume.consumer.name()).put("first_error", loop.firstError());
        } finally {
            Closing.all(producers);
        }
    }

    /** Spreads due times evenly over (0, spread]: 100 steps, so every part of the window is exercised. */
    static long dueIn(long seq, long spreadMillis) {
        return Math.max(1, (seq % 100 + 1) * spreadMillis / 100);
    }

    private Report unsupported(Target target, String serverAnswer) {
        return new Report(name(), target.endpoint())
                .put(Report.SERVER_RSS_MB, target.serverRssMib())
                .put("status", "unsupported")
                .put("reason", serverAnswer);
    }
}
