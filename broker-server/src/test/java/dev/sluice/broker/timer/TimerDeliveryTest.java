package dev.sluice.broker.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.LocalBroker;
import dev.sluice.broker.SendReceipt;
import dev.sluice.broker.TestMessages;
import dev.sluice.broker.TestStores;
import dev.sluice.broker.TopicConfig;
import dev.sluice.store.KeyValueStore.Space;
import dev.sluice.store.LogStore;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.QueueEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How due timers reach their topics at volume: in bounded batches, beside other sends, with exact counts. */
class TimerDeliveryTest {

    private static final String TOPIC = "reminders";
    private static final String OTHER = "invoices";
    private static final String ORDERS = "orders";

    @TempDir
    Path dir;
    private LogStore store;
    private LocalBroker broker;

    @AfterEach
    void close() {
        if (broker != null) {
            broker.close();
            store.close();
        }
    }

    private void openBroker(ObservedStore observed) {
        broker = new LocalBroker(observed, BrokerConfig.DEFAULT);
    }

    private ObservedStore openStore() {
        store = TestStores.open(dir);
        return new ObservedStore(store);
    }

    /** Sends {@code count} messages due at {@code due}; returns how many were scheduled (not already due). */
    private long schedule(String topic, String idPrefix, int count, long due) {
        List<MessageRecord> all = IntStream.range(0, count)
                .mapToObj(i -> TestMessages.delayed(topic, idPrefix + i, due)).toList();
        List<CompletableFuture<List<SendReceipt>>> sends = new ArrayList<>();
        for (int i = 0; i < count; i += 500) {
            sends.add(broker.send(all.subList(i, Math.min(count, i + 500))));
        }
        return sends.stream().flatMap(send -> send.join().stream())
                .filter(receipt -> !receipt.recallHandle().isEmpty()).count();
    }

    @Test
    void aBurstGoesOutInBoundedBatchesOneAtATimeWhileOtherSendsInterleave() throws Exception {
        ObservedStore observed = openStore();
        openBroker(observed);
        broker.createTopic(new TopicConfig(TOPIC, MessageKind.DELAY, 2));
        broker.createTopic(new TopicConfig(ORDERS, MessageKind.NORMAL, 1));
        AtomicBoolean drained = new AtomicBoolean();
        CompletableFuture<Void> foreground = CompletableFuture.runAsync(() -> {
            for (int n = 0; !drained.get() && n < 1_000_000; n++) {
                broker.send(List.of(TestMessages.normal(ORDERS, "order-" + n, ""))).join();
            }
        });
        // on a slow machine the last sends may find their time already come: those are stored at once
        long burst = schedule(TOPIC, "burst-", 24 * TimerService.BATCH + 17, System.currentTimeMillis() + 3000);

        await().atMost(Duration.ofSeconds(30)).until(() -> broker.pendingTimers(null).isEmpty());
        drained.set(true);
        foreground.get(10, TimeUnit.SECONDS);

        List<ObservedStore.Append> deliveries = observed.appends();
        assertThat(deliveries).allSatisfy(a -> assertThat(a.size()).isLessThanOrEqualTo(TimerService.BATCH));
        assertThat(deliveries.stream().mapToLong(ObservedStore.Append::size).sum()).isEqualTo(burst);
        assertThat(burst).isGreaterThan(10L * TimerService.BATCH);
        assertThat(observed.maxInFlight()).as("delivery appends in flight at once").isEqualTo(1);
        long firstDelivered = deliveries.stream().mapToLong(ObservedStore.Append::firstOffset).min().orElseThrow();
        long lastDelivered = deliveries.stream().mapToLong(ObservedStore.Append::lastOffset).max().orElseThrow();
        List<QueueEntry> orders = store.readQueue(ORDERS, 0, 0, 1_000_000);
        assertThat(orders).as("ordinary sends stored while the burst drained")
                .anySatisfy(e -> assertThat(e.commitLogOffset()).isBetween(firstDelivered, lastDelivered));
    }

    @Test
    void countsAndNextDueStayExactThroughDeliveryRecallAndRestart() {
        openBroker(openStore());
        broker.createTopic(new TopicConfig(TOPIC, MessageKind.DELAY, 2));
        broker.createTopic(new TopicConfig(OTHER, MessageKind.DELAY, 1));
        long now = System.currentTimeMillis();
        long laterA = now + Duration.ofHours(1).toMillis();
        long laterB = now + Duration.ofHours(2).toMillis();
        schedule(TOPIC, "soon-", 3 * TimerService.BATCH + 5, now + 200);
        List<SendReceipt> a = new ArrayList<>();
        List<SendReceipt> b = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            a.add(broker.send(List.of(TestMessages.delayed(TOPIC, "a" + i, laterA + i))).join().get(0));
            b.add(broker.send(List.of(TestMessages.delayed(OTHER, "b" + i, laterB + i))).join().get(0));
        }
        broker.recall(TOPIC, a.get(0).recallHandle()).join();
        broker.recall(OTHER, b.get(3).recallHandle()).join();
        broker.recall(OTHER, b.get(4).recallHandle()).join();

        // the soon ones are delivered; what is left is due after their (now deleted) timers
        List<PendingTimers> expected = List.of(new PendingTimers(OTHER, 8, laterB), new PendingTimers(TOPIC, 9, laterA + 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.pendingTimers(null).equals(expected));
        assertThat(timersOnDisk()).isEqualTo(Map.of(OTHER, 8L, TOPIC, 9L));

        close();
        openBroker(openStore());

        assertThat(broker.pendingTimers(null)).isEqualTo(expected);
        assertThat(broker.pendingTimers(TOPIC)).containsExactly(expected.get(1));
        assertThat(timersOnDisk()).isEqualTo(Map.of(OTHER, 8L, TOPIC, 9L));
        assertThat(store.nextOffset(TOPIC, 0) + store.nextOffset(TOPIC, 1)).isEqualTo(3L * TimerService.BATCH + 5);
    }

    @Test
    void aTimerIndexedLateIsDeliveredAndCountedEvenAfterLaterOnesWereDelivered() {
        ObservedStore observed = openStore();
        openBroker(observed);
        broker.createTopic(new TopicConfig(TOPIC, MessageKind.DELAY, 1));
        long now = System.currentTimeMillis();
        schedule(TOPIC, "first-", 3, now + 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.pendingTimers(null).isEmpty());

        // what a scheduled message appended just before a crash looks like: stored, its timer not yet written
        MessageRecord late = TimerService.internalCopy(TestMessages.delayed(TOPIC, "late", now + 50));
        CompletableFuture<?> stored = store.append(List.of(late));
        stored.join();

        await().atMost(Duration.ofSeconds(5)).until(() -> store.nextOffset(TOPIC, 0) == 4);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.pendingTimers(null).isEmpty());
        assertThat(timersOnDisk()).isEmpty();
    }

    /** Pending timers per topic as stored, counted one by one: the truth the counters must match. */
    private Map<String, Long> timersOnDisk() {
        Map<String, Long> perTopic = new TreeMap<>();
        store.kv().scan(Space.TIMERS, TimerKeys.TIMER_PREFIX,
                (key, value) -> perTopic.merge(TimerKeys.topicOf(value), 1L, Long::sum));
        return perTopic;
    }
}
