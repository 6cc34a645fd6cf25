package dev.sluice.broker.timer;

import static org.awaitility.Awaitility.await;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.LocalBroker;
import dev.sluice.broker.TestMessages;
import dev.sluice.broker.TestStores;
import dev.sluice.broker.TopicConfig;
import dev.sluice.store.LogStore;
import dev.sluice.store.MessageKind;
import dev.sluice.store.QueueEntry;
import dev.sluice.store.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints how late scheduled messages reach their topic. Not part of the default test run (the
 * name matches no surefire include); run it with {@code -Dtest=TimerPrecisionMeasurement}.
 * Numbers are printed, never asserted. Heap, disk and restart with millions of pending timers:
 * {@code bin/sluice-bench timer-scale}.
 */
class TimerPrecisionMeasurement {

    private static final String TOPIC = "measured";

    @TempDir
    Path dir;

    @Test
    void latenessAtAThousandMessagesPerSecond() throws InterruptedException {
        try (LogStore store = TestStores.open(dir); LocalBroker broker = new LocalBroker(store, BrokerConfig.DEFAULT)) {
            broker.createTopic(new TopicConfig(TOPIC, MessageKind.DELAY, 4));
            int seconds = 10;
            int perTick = 10;
            long start = System.currentTimeMillis();
            for (int tick = 0; tick < seconds * 100; tick++) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < perTick; i++) {
                    long due = now + 1000 + ThreadLocalRandom.current().nextLong(2000);
                    broker.send(List.of(TestMessages.delayed(TOPIC, "m" + tick + "-" + i, due)));
                }
                long next = start + (tick + 1) * 10L;
                Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
            }
            int total = seconds * 100 * perTick;
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered(store).size() == total);
            long[] lateness = delivered(store).stream()
                    .mapToLong(m -> m.storeTimestamp() - m.record().deliveryTimestamp()).sorted().toArray();
            System.out.printf("timer lateness over %d messages at 1000/s: min %d ms, p50 %d ms, p99 %d ms, max %d ms%n",
                    total, lateness[0], lateness[total / 2], lateness[(int) (total * 0.99)], lateness[total - 1]);
        }
    }

    private static List<StoredMessage> delivered(LogStore store) {
        List<StoredMessage> all = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            for (QueueEntry entry : store.readQueue(TOPIC, q, 0, 100_000)) {
                store.read(entry).ifPresent(all::add);
            }
        }
        return all;
    }
}
