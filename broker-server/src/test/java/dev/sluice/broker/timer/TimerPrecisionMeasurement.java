package dev.sluice.broker.timer;

import static org.awaitility.Awaitility.await;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.LocalBroker;
import dev.sluice.broker.TestMessages;
import dev.sluice.broker.TestStores;
import dev.sluice.broker.TopicConfig;
import dev.sluice.store.LogStore;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.QueueEntry;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoredMessage;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints how late scheduled messages reach their topic and the heap that pending timers take.
 * Not part of the default test run (the name matches no surefire include); run it with
 * {@code -Dtest=TimerPrecisionMeasurement}. Numbers are printed, never asserted.
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

    @Test
    void heapWithAMillionPendingTimers() {
        try (LogStore store = LogStore.open(StoreConfig.defaults(dir)); LocalBroker broker = new LocalBroker(store, BrokerConfig.DEFAULT)) {
            broker.createTopic(new TopicConfig(TOPIC, MessageKind.DELAY, 4));
            long before = usedHeapAfterGc();
            long due = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
            int total = 1_000_000;
            long start = System.nanoTime();
            for (int i = 0; i < total; i += 1000) {
                int from = i;
                List<MessageRecord> batch = IntStream.range(from, from + 1000)
                        .mapToObj(n -> TestMessages.delayed(TOPIC, "p" + n, due + n)).toList();
                broker.send(batch).join();
            }
            long sendMillis = (System.nanoTime() - start) / 1_000_000;
            long after = usedHeapAfterGc();
            System.out.printf("%d pending timers (%s) stored in %d ms; heap after GC: %d MiB before, %d MiB after%n",
                    total, broker.pendingTimers(TOPIC), sendMillis, before >> 20, after >> 20);
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
