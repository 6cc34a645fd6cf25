package dev.sluice.bench;

import dev.sluice.proto.admin.v1.TopicType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.apis.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A large backlog written with nobody consuming, then read from a cold start by a new group:
 * write rate, read rate, and whether the server's memory grows with the backlog (RSS sampled
 * at 1%, 50% and 100% of it written, and after it was read). The two phases can run as two
 * commands (--phase write, then --phase read) with the broker restarted in between, which is
 * also how a backlog too big for one sitting is measured.
 */
@Command(name = "backlog", mixinStandardHelpOptions = true,
        description = "Write M messages unconsumed, then consume all from a new group: write/read rate, server RSS.")
public final class BacklogScenario implements Scenario {

    /** Which part of the run this command does. */
    enum Phase {
        /** Write, then read, in one command. */
        both,
        /** Write only and leave the topic and --state for a later --phase read. */
        write,
        /** Read what an earlier --phase write left, as told by --state, and report the whole run. */
        read
    }

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

    @Option(names = "--phase", defaultValue = "both",
            description = "both, write or read: split the run in two commands, e.g. to restart the broker in between "
                    + "(default: ${DEFAULT-VALUE})")
    Phase phase;

    @Option(names = "--state", paramLabel = "FILE",
            description = "With --phase write, where to leave what the read needs (run, topic, messages accepted, "
                    + "write figures); with --phase read, where to find it")
    Path state;

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
    public Report run(Target target) throws Exception {
        if (messages < 1 || messages >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--messages must be between 1 and " + (Integer.MAX_VALUE - 1));
        }
        if (phase != Phase.both && (state == null || common.compare != null)) {
            throw new IllegalArgumentException("--phase " + phase + " needs --state FILE and drives one endpoint (no --compare)");
        }
        return switch (phase) {
            case both -> read(target, write(target));
            case write -> {
                BacklogWritten written = write(target);
                if (written.ownTopic()) {
                    target.keepAfterRun(written.topic());
                }
                written.save(state);
                yield writeReport(target, written).put("state", state.toString());
            }
            case read -> {
                BacklogWritten written = BacklogWritten.load(state);
                if (written.ownTopic() && target.makesTopics()) {
                    target.deleteAfterRun(written.topic());
                }
                yield read(target, written);
            }
        };
    }

    private BacklogWritten write(Target target) throws Exception {
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
        return new BacklogWritten(target.runId(), topic, target.makesTopics(), bodySize, ledger.sentSet(),
                loop.failed(), loop.firstError(), written, rss.sample(0), rss.sample(1), target.serverRssMib());
    }

    private Report read(Target target, BacklogWritten written) throws Exception {
        DeliveryLedger ledger = new DeliveryLedger(written.sent());
        Double rssBeforeRead = target.serverRssMib();
        AtomicLong lastReceiptNanos = new AtomicLong(System.nanoTime());
        BenchConsumer.Handler handler = (view, receivedMicros) -> {
            Optional<BenchMessages.Stamp> stamp = BenchMessages.read(view, written.runId());
            if (stamp.isPresent() && !stamp.get().probe() && ledger.received(stamp.get().seq())) {
                lastReceiptNanos.set(System.nanoTime());
            }
        };
        long readStart = System.nanoTime();
        long consumerErrors;
        Progress progress = Progress.start("backlog read " + target.endpoint(), ledger::receivedCount,
                ledger.sentCount(), phaseTimeout);
        try (BenchConsumer consumer = BenchConsumer.start(consume.consumer, target, target.group("backlog"),
                written.topic(), handler)) {
            long deadline = readStart + phaseTimeout.toNanos();
            Drain.await(() -> ledger.receivedCount() >= ledger.sentCount()
                    || System.nanoTime() > deadline
                    || System.nanoTime() - lastReceiptNanos.get() > stall.toNanos(), phaseTimeout.plus(stall));
            consumerErrors = consumer.errors();
        } finally {
            progress.close();
        }
        double readSeconds = (lastReceiptNanos.get() - readStart) / 1e9;
        return writeReport(target, written)
                .put(Report.RECEIVED, ledger.receivedCount())
                .put(Report.LOST, ledger.lost())
                .put(Report.DUPLICATES, ledger.duplicates())
                .put(Report.ERRORS, written.failed() + consumerErrors)
                .put(Report.SERVER_RSS_MB, target.serverRssMib())
                .put("read_msgs_per_s", readSeconds > 0 ? ledger.receivedCount() / readSeconds : null)
                .put("rss_read_start_mb", rssBeforeRead)
                .put("consumer", consume.consumer.name());
    }

    private static Report writeReport(Target target, BacklogWritten written) {
        SendLoop.Measurement measured = written.measured();
        return new Report("backlog", target.endpoint())
                .throughput(measured.ok(), written.bodySize(), measured.seconds())
                .latency(measured.latency())
                .put(Report.SENT, (long) written.sent().cardinality())
                .put(Report.ERRORS, written.failed())
                .put(Report.SERVER_RSS_MB, target.serverRssMib())
                .put("write_msgs_per_s", measured.seconds() > 0 ? measured.ok() / measured.seconds() : null)
                .put("rss_1pct_mb", written.rss1PctMib())
                .put("rss_50pct_mb", written.rss50PctMib())
                .put("rss_100pct_mb", written.rss100PctMib())
                .put("body_size", written.bodySize())
                .put("first_error", written.firstError());
    }
}
