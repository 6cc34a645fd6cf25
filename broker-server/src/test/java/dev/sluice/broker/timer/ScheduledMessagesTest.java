package dev.sluice.broker.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.Delivery;
import dev.sluice.broker.LocalBroker;
import dev.sluice.broker.ReceiveRequest;
import dev.sluice.broker.SendReceipt;
import dev.sluice.broker.TagFilter;
import dev.sluice.broker.TestMessages;
import dev.sluice.broker.TestStores;
import dev.sluice.broker.TopicConfig;
import dev.sluice.store.LogStore;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.QueueEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduledMessagesTest {

    private static final String TOPIC = "reminders";
    private static final String GROUP = "reminder-workers";

    @TempDir
    Path dir;
    private LogStore store;
    private LocalBroker broker;

    @BeforeEach
    void open() {
        openBroker();
        broker.createTopic(new TopicConfig(TOPIC, MessageKind.DELAY, 2));
    }

    private void openBroker() {
        store = TestStores.open(dir);
        broker = new LocalBroker(store, BrokerConfig.DEFAULT.withMaxDeliveryDelay(Duration.ofDays(40)));
    }

    @AfterEach
    void close() {
        broker.close();
        store.close();
    }

    private SendReceipt sendDue(String id, long dueMillis) {
        return broker.send(List.of(TestMessages.delayed(TOPIC, id, dueMillis))).join().get(0);
    }

    /** Message ids received until {@code expected} arrived, each with the time it was received. */
    private List<Received> receiveUntil(int expected, Duration within) {
        List<Received> received = new ArrayList<>();
        long deadline = System.currentTimeMillis() + within.toMillis();
        while (received.size() < expected && System.currentTimeMillis() < deadline) {
            received.addAll(receiveOnce(Duration.ofMillis(100)));
        }
        return received;
    }

    private List<Received> receiveOnce(Duration poll) {
        List<Delivery> batch = broker.receive(new ReceiveRequest(GROUP, TOPIC, -1, TagFilter.ALL, 32,
                Duration.ofSeconds(60), false, poll, "client-1", "")).join();
        long now = System.currentTimeMillis();
        List<Received> received = new ArrayList<>();
        for (Delivery d : batch) {
            broker.ack(GROUP, TOPIC, d.receiptHandle()).join();
            received.add(new Received(d.message().record().messageId(), d.message().record().deliveryTimestamp(), now));
        }
        return received;
    }

    private record Received(String id, long due, long at) {
    }

    @Test
    void messagesArriveInDueOrderAndNoneEarly() {
        long now = System.currentTimeMillis();
        long[] delays = {900, 300, 1200, 600};
        for (int i = 0; i < delays.length; i++) {
            SendReceipt receipt = sendDue("m" + delays[i], now + delays[i]);
            assertThat(receipt.recallHandle()).isNotEmpty();
            assertThat(receipt.queueId()).isEqualTo(-1);
        }
        assertThat(receiveOnce(Duration.ZERO)).as("nothing is due yet").isEmpty();

        List<Received> received = receiveUntil(4, Duration.ofSeconds(10));

        assertThat(received).extracting(Received::id).containsExactly("m300", "m600", "m900", "m1200");
        assertThat(received).allSatisfy(r -> assertThat(r.at()).isGreaterThanOrEqualTo(r.due()));
    }

    @Test
    void aDeliveryTimeInThePastIsDeliveredAtOnce() {
        SendReceipt receipt = sendDue("late", System.currentTimeMillis() - 5_000);

        assertThat(receipt.queueId()).isBetween(0, 1);
        assertThat(receipt.recallHandle()).isEmpty();
        List<Received> received = receiveOnce(Duration.ZERO);
        assertThat(received).extracting(Received::id).containsExactly("late");
        assertThat(received.get(0).due()).as("the delivery time is kept").isPositive();
    }

    @Test
    void aDeliveryTimeBeyondTheLimitIsRefused() {
        long tooFar = System.currentTimeMillis() + Duration.ofDays(41).toMillis();

        assertThatThrownBy(() -> sendDue("far", tooFar))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.ILLEGAL_DELIVERY_TIME));
        sendDue("within", System.currentTimeMillis() + Duration.ofDays(39).toMillis());
    }

    @Test
    void aDelayMessageToANormalTopicIsATypeMismatch() {
        broker.createTopic(new TopicConfig("plain", MessageKind.NORMAL, 1));

        assertThatThrownBy(() -> broker.send(List.of(TestMessages.delayed("plain", "d1",
                System.currentTimeMillis() + 1000))).join())
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.MESSAGE_TYPE_MISMATCH));
    }

    @Test
    void pendingTimersSurviveARestart() {
        long due = System.currentTimeMillis() + 1500;
        sendDue("a", due);
        sendDue("b", due + 100);
        assertThat(broker.pendingTimers(TOPIC)).containsExactly(new PendingTimers(TOPIC, 2, due));

        close();
        openBroker();

        assertThat(broker.pendingTimers(null)).containsExactly(new PendingTimers(TOPIC, 2, due));
        assertThat(receiveOnce(Duration.ZERO)).isEmpty();
        List<Received> received = receiveUntil(2, Duration.ofSeconds(10));
        assertThat(received).extracting(Received::id).containsExactly("a", "b");
        assertThat(received).allSatisfy(r -> assertThat(r.at()).isGreaterThanOrEqualTo(r.due()));
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.pendingTimers(null).isEmpty());
    }

    @Test
    void aTimerDueWhileTheBrokerWasDownFiresOnceAfterRestart() throws InterruptedException {
        long due = System.currentTimeMillis() + 200;
        sendDue("while-down", due);
        close();
        Thread.sleep(Math.max(0, due - System.currentTimeMillis()) + 300);

        openBroker();

        assertThat(receiveUntil(1, Duration.ofSeconds(5))).extracting(Received::id).containsExactly("while-down");
        assertThat(receiveOnce(Duration.ofMillis(500))).isEmpty();
        assertThat(store.nextOffset(TOPIC, 0) + store.nextOffset(TOPIC, 1)).isEqualTo(1);
    }

    @Test
    void aBatchInterruptedAfterItsAppendIsNotDeliveredTwice() throws InterruptedException {
        long due = System.currentTimeMillis() + 300;
        SendReceipt receipt = sendDue("once", due);
        close();
        // what a crash between the delivery append and the timer deletion leaves behind
        store = TestStores.open(dir);
        MessageRecord internal = store.read(store.readQueue(TimerService.TOPIC, 0, receipt.queueOffset(), 1).get(0))
                .orElseThrow().record();
        Map<String, String> system = new HashMap<>(internal.systemProperties());
        system.remove(TimerService.TARGET_TOPIC);
        system.put(TimerService.FIRED_FROM, Long.toString(receipt.queueOffset()));
        store.append(List.of(new MessageRecord(TOPIC, 0, "once", MessageKind.DELAY, "", List.of(), "", due,
                internal.bornTimestamp(), "", Map.of(), system, internal.body()))).join();
        store.kv().put(dev.sluice.store.KeyValueStore.Space.TIMERS, TimerKeys.FIRING,
                TimerKeys.timer(due, receipt.queueOffset()));
        store.close();
        Thread.sleep(Math.max(0, due - System.currentTimeMillis()));

        openBroker();

        await().atMost(Duration.ofSeconds(5)).until(() -> broker.pendingTimers(null).isEmpty());
        List<QueueEntry> copies = store.readQueue(TOPIC, 0, 0, 10);
        assertThat(copies).hasSize(1);
        assertThat(store.nextOffset(TOPIC, 1)).isZero();
    }

    @Test
    void aRecalledMessageIsNeverDelivered() {
        long due = System.currentTimeMillis() + 700;
        SendReceipt kept = sendDue("kept", due);
        SendReceipt recalled = sendDue("recalled", due);

        assertThat(broker.recall(TOPIC, recalled.recallHandle()).join()).isEqualTo("recalled");

        assertThat(receiveUntil(1, Duration.ofSeconds(5))).extracting(Received::id).containsExactly("kept");
        assertThat(receiveOnce(Duration.ofMillis(300))).isEmpty();
        assertThatThrownBy(() -> broker.recall(TOPIC, recalled.recallHandle()).join())
                .as("recalled twice").hasCauseInstanceOf(BrokerException.class)
                .cause().hasMessageContaining("recalled");
        assertThatThrownBy(() -> broker.recall(TOPIC, kept.recallHandle()).join())
                .as("already delivered").isInstanceOf(CompletionException.class)
                .satisfies(e -> assertThat(((BrokerException) e.getCause()).error())
                        .isEqualTo(BrokerError.MESSAGE_NOT_FOUND));
    }

    @Test
    void malformedOrForeignRecallHandlesAreRefusedClearly() {
        SendReceipt receipt = sendDue("x", System.currentTimeMillis() + 60_000);
        broker.createTopic(new TopicConfig("other-reminders", MessageKind.DELAY, 1));

        assertThatThrownBy(() -> broker.recall(TOPIC, "not-a-handle"))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.ILLEGAL_ARGUMENT));
        assertThatThrownBy(() -> broker.recall("other-reminders", receipt.recallHandle()).join())
                .satisfies(e -> assertThat(((BrokerException) e.getCause()).error())
                        .isEqualTo(BrokerError.MESSAGE_NOT_FOUND));
        assertThat(broker.pendingTimers(TOPIC)).extracting(PendingTimers::count).containsExactly(1L);
    }

    @Test
    void aBurstDueAtOnceDrainsCompletely() {
        long due = System.currentTimeMillis() + 500;
        int count = 3000;
        List<MessageRecord> burst = IntStream.range(0, count)
                .mapToObj(i -> TestMessages.delayed(TOPIC, "burst-" + i, due)).toList();
        for (int i = 0; i < count; i += 100) {
            broker.send(burst.subList(i, i + 100)).join();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> broker.pendingTimers(null).isEmpty());
        assertThat(store.nextOffset(TOPIC, 0) + store.nextOffset(TOPIC, 1)).isEqualTo(count);
    }
}
