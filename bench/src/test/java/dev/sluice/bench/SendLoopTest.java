package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SendLoopTest {

    private static final String TOPIC = "AnyTopic";

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFixedRateRunDoesNotCountTheWarmUpsBacklogAsLateInTheMeasurement() throws Exception {
        withNullServer((target, producers) -> {
            byte[] body = new byte[100];
            // the sender stalls through all of the warm-up, as a cold client JVM does at a rate it cannot yet reach
            SendLoop loop = new SendLoop(producers, 8, 200, Long.MAX_VALUE, seq -> {
                if (seq == 0) {
                    sleep(Duration.ofMillis(2_500));
                }
                return BenchMessages.build(target, TOPIC, body, seq, false, null);
            }, (seq, error) -> { }, Duration.ofSeconds(10));

            SendLoop.Measurement m = loop.run(Duration.ofSeconds(2), Duration.ofSeconds(3), "test");

            assertThat(m.ok() / m.seconds()).as("measured rate").isBetween(150.0, 250.0);
            assertThat(m.latency().p50Ms()).as("median send latency, ms").isLessThan(200.0);
            assertThat(loop.failed()).isZero();
        });
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aRampSendsHalfAsManyInItsTimeAndTheMeasurementRunsAtTheFullRate() throws Exception {
        withNullServer((target, producers) -> {
            byte[] body = new byte[100];
            SendLoop loop = new SendLoop(producers, 8, 400, Long.MAX_VALUE,
                    seq -> BenchMessages.build(target, TOPIC, body, seq, false, null), (seq, error) -> { },
                    Duration.ofSeconds(10));

            SendLoop.Measurement m = loop.run(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(2), "test");

            long warmup = loop.succeeded() - m.ok();
            // a linear ramp over the whole warm-up sends rate × warm-up / 2 = 600, not 1,200
            assertThat(warmup).as("sends in the warm-up").isBetween(450L, 750L);
            assertThat(m.ok() / m.seconds()).as("measured rate").isBetween(320.0, 480.0);
            assertThatThrownBy(() -> loop.run(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), "test"))
                    .isInstanceOf(IllegalArgumentException.class);
        });
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aRunReturnsOnlyAfterEverySendWasCountedAndToldToTheListener() throws Exception {
        withNullServer((target, producers) -> {
            byte[] body = new byte[100];
            int messages = 500;
            AtomicLong told = new AtomicLong();
            // a slow listener on the last answer: the run must not return while it is still being told
            SendLoop loop = new SendLoop(producers, 8, 0, messages,
                    seq -> BenchMessages.build(target, TOPIC, body, seq, false, null),
                    (seq, error) -> {
                        if (seq == messages - 1) {
                            sleep(Duration.ofMillis(500));
                        }
                        told.incrementAndGet();
                    }, Duration.ofSeconds(10));

            SendLoop.Measurement m = loop.run(Duration.ZERO, Duration.ofSeconds(60), "test");

            assertThat(m.ok()).as("sends counted in the measurement").isEqualTo(messages);
            assertThat(told.get()).as("answers the listener was told of").isEqualTo(messages);
        });
    }

    interface LoopRun {
        void run(Target target, List<Producer> producers) throws Exception;
    }

    /** Runs {@code run} with one producer connected to a server that answers every send OK. */
    private static void withNullServer(LoopRun run) throws Exception {
        Server server = NullServerCommand.start(0, 4);
        try (Target target = new Target("127.0.0.1:" + server.getPort(), null, false, Duration.ofSeconds(10), null, TOPIC)) {
            List<Producer> producers = Producers.open(target, 1, TOPIC, false);
            try {
                run.run(target, producers);
            } finally {
                Closing.all(producers);
            }
        } finally {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
