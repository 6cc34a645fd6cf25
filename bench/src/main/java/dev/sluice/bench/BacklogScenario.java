package dev.sluice.bench;

import dev.sluice.proto.admin.v1.TopicType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.apis.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A large backlog written with nobody consuming, then read from a cold start by a new group:
 * write rate, read rate, and whether the server's memory grows with the backlog (RSS sampled
 * at 1%, 50% and 100% of it written, and after it was read).
 */
@Command(name = "backlog", mixinStandardHelpOptions = true,
        description = "Write M messages unconsumed, then consume all from a new group: write/read rate, server RSS.")
public final class BacklogScenario implements Scenario, Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    SendOptions send;

    @Mixin
    ConsumeOptions consume;

    @Option(names = "--messages", defaultValue = "10000000", description = "Backlog size (default: ${DEFAULT-VALUE})")
    long messages;

    @Option(names = "--body-size", defaultValue = "100", description = "Message body bytes (default: ${DEFAULT-VALUE})")
    int bodySize;

    @Option(names = "--phase-timeout", defaultValue = "2h", converter = DurationParser.class,
            description = "Upper bound for writing, and again for reading (default: ${DEFAULT-VALUE})")
    Duration phaseTimeout;

    @Option(names = "--stall", defaultValue = "60s", converter = DurationParser.class,
            description = "Stop reading when nothing new arrived for this long (default: ${DEFAULT-VALUE})")
    Duration stall;

    @Override
    public String name() {
        return "backlog";
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() throws Exception {
        new Runner(System.out).run(this);
        return 0;
    }

    @Override
    public Report run(Target target) throws Exception {
        if (messages < 1 || messages >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--messages must be between 1 and " + (Integer.MAX_VALUE - 1));
        }
        String topic = target.topic("backlog", TopicType.TOPIC_TYPE_NORMAL, 0);
        DeliveryLedger ledger = new DeliveryLedger();
        RssSampler rss = new RssSampler(target, messages, 0.01, 0.5);
        byte[] body = new byte[bodySize];
        List<Producer> producers = Producers.open(target, send.producers, topic, false);
        SendLoop loop;
        SendLoop.Measurement written;
        try {
            loop = new SendLoop(producers, send.window, 0, messages,
                    seq -> BenchMessages.build(target, topic, body, seq, false, null),
                    (seq, error) -> {
                        if (error == null) {
                            ledger.sent(seq);
                            rss.progress(ledger.sentCount());
                        }
                    }, common.requestTimeout.plus(Duration.ofSeconds(5)));
            written = loop.run(Duration.ZERO, phaseTimeout, "backlog write " + target.endpoint());
        } finally {
            Closing.all(producers);
        }
        rss.finish();
        Double rssWritten = target.serverRssMib();

        AtomicLong lastReceiptNanos = new AtomicLong(System.nanoTime());
        BenchConsumer.Handler handler = (view, receivedMicros) -> {
            Optional<BenchMessages.Stamp> stamp = BenchMessages.read(view, target.runId());
            if (stamp.isPresent() && !stamp.get().probe() && ledger.received(stamp.get().seq())) {
                lastReceiptNanos.set(System.nanoTime());
            }
        };
        long readStart = System.nanoTime();
        long consumerErrors;
        Progress progress = Progress.start("backlog read " + target.endpoint(), ledger::receivedCount,
                ledger.sentCount(), phaseTimeout);
        try (BenchConsumer consumer = BenchConsumer.start(consume.consumer, target, target.group("backlog"), topic, handler)) {
            long deadline = readStart + phaseTimeout.toNanos();
            Drain.await(() -> ledger.receivedCount() >= ledger.sentCount()
                    || System.nanoTime() > deadline
                    || System.nanoTime() - lastReceiptNanos.get() > stall.toNanos(), phaseTimeout.plus(stall));
            consumerErrors = consumer.errors();
        } finally {
            progress.close();
        }
        double readSeconds = (lastReceiptNanos.get() - readStart) / 1e9;
        Report report = new Report(name(), target.endpoint())
                .throughput(written.ok(), bodySize, written.seconds())
                .latency(written.latency())
                .put(Report.SENT, ledger.sentCount())
                .put(Report.RECEIVED, ledger.receivedCount())
                .put(Report.LOST, ledger.lost())
                .put(Report.DUPLICATES, ledger.duplicates())
                .put(Report.ERRORS, loop.failed() + consumerErrors)
                .put(Report.SERVER_RSS_MB, target.serverRssMib())
                .put("write_msgs_per_s", written.seconds() > 0 ? written.ok() / written.seconds() : null)
                .put("read_msgs_per_s", readSeconds > 0 ? ledger.receivedCount() / readSeconds : null)
                .put("rss_1pct_mb", rss.sample(0))
                .put("rss_50pct_mb", rss.sample(1))
                .put("rss_100pct_mb", rssWritten)
                .put("consumer", consume.consumer.name())
                .put("body_size", bodySize)
                .put("first_error", loop.firstError());
        return report;
    }
}
