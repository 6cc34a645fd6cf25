package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.dlq.DeadLetterEntry;
import dev.sluice.broker.dlq.RedriveResult;
import dev.sluice.broker.history.DeliveryEvent;
import dev.sluice.store.LogStore;
import dev.sluice.store.MessageKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBrokerTest {

    /** Short invisible times so redelivery is testable in milliseconds. */
    private static final BrokerConfig CONFIG = new BrokerConfig(false, true, 4, Duration.ofSeconds(60),
            Duration.ofHours(3), Duration.ofMillis(10), Duration.ofHours(12), Duration.ofMinutes(10), 100_000);

    @TempDir
    Path dir;
    private LogStore store;
    private LocalBroker broker;

    @BeforeEach
    void open() {
        openBroker();
    }

    private void openBroker() {
        openBroker(CONFIG);
    }

    private void openBroker(BrokerConfig config) {
        store = TestStores.open(dir);
        broker = new LocalBroker(store, config);
    }

    @AfterEach
    void close() {
        broker.close();
        store.close();
    }

    private void restart() {
        close();
        openBroker();
    }

    private List<SendReceipt> send(String topic, String... ids) {
        List<SendReceipt> receipts = new ArrayList<>();
        for (String id : ids) {
            receipts.addAll(broker.send(List.of(TestMessages.normal(topic, id, "A"))).join());
        }
        return receipts;
    }

    private List<Delivery> receive(String group, String topic, int max, Duration invisible) {
        return broker.receive(new ReceiveRequest(group, topic, -1, TagFilter.ALL, max, invisible, false,
                Duration.ZERO, "client-1", "")).join();
    }

    private static List<String> ids(List<Delivery> deliveries) {
        return deliveries.stream().map(d -> d.message().record().messageId()).toList();
    }

    @Test
    void unknownTopicIsRefusedWithTheCommandThatCreatesIt() {
        assertThatThrownBy(() -> broker.send(List.of(TestMessages.normal("orders", "m1", "A"))))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.TOPIC_NOT_FOUND))
                .hasMessageContaining("sluice admin topic create orders");
    }

    @Test
    void messageOfAnotherTypeIsRefused() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 2));
        assertThatThrownBy(() -> broker.send(List.of(TestMessages.fifo("orders", "m1", "g1"))))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.MESSAGE_TYPE_MISMATCH));
        assertThat(store.nextOffset("orders", 0) + store.nextOffset("orders", 1)).isZero();
    }

    @Test
    void sentMessagesAreReceivedOnceAndNotAgainAfterAck() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 4));
        send("orders", "m1", "m2", "m3");
        List<Delivery> first = receive("g", "orders", 10, Duration.ofSeconds(30));
        assertThat(ids(first)).containsExactlyInAnyOrder("m1", "m2", "m3");
        assertThat(first).allSatisfy(d -> assertThat(d.deliveryAttempt()).isEqualTo(1));
        first.forEach(d -> broker.ack("g", "orders", d.receiptHandle()).join());
        assertThat(receive("g", "orders", 10, Duration.ofSeconds(30))).isEmpty();
        assertThat(broker.lag("g")).allSatisfy(l -> assertThat(l.lag()).isZero());
    }

    @Test
    void tagFilterDeliversOnlyMatchingMessagesAndConsumesTheRest() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        broker.send(List.of(TestMessages.normal("orders", "a", "A"))).join();
        broker.send(List.of(TestMessages.normal("orders", "b", "B"))).join();
        List<Delivery> got = broker.receive(new ReceiveRequest("g", "orders", -1, TagFilter.parse("A"), 10,
                Duration.ofSeconds(30), false, Duration.ZERO, "c", "")).join();
        assertThat(ids(got)).containsExactly("a");
        broker.ack("g", "orders", got.get(0).receiptHandle()).join();
        assertThat(broker.lag("g")).singleElement().satisfies(l -> assertThat(l.lag()).isZero());
    }

    @Test
    void unackedMessageComesBackWithTheNextAttemptAndTheOldHandleIsStale() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        send("orders", "m1");
        Delivery first = receive("g", "orders", 1, Duration.ofMillis(50)).get(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !receiveInto("g", "orders").isEmpty());
        Delivery second = lastReceived.get(0);
        assertThat(second.message().record().messageId()).isEqualTo("m1");
        assertThat(second.deliveryAttempt()).isEqualTo(2);
        assertThatThrownBy(() -> broker.ack("g", "orders", first.receiptHandle()))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.INVALID_RECEIPT_HANDLE));
        broker.ack("g", "orders", second.receiptHandle()).join();
    }

    private List<Delivery> lastReceived = List.of();

    private List<Delivery> receiveInto(String group, String topic) {
        lastReceived = receive(group, topic, 10, Duration.ofSeconds(30));
        return lastReceived;
    }

    @Test
    void deliveryWhoseTimeRanOutWaitsTheGroupsBackoffBeforeComingBack() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        broker.createGroup(new GroupConfig("g", false, 5,
                RetryPolicy.exponential(Duration.ofMillis(600), 2.0, Duration.ofSeconds(10))));
        send("orders", "m1");
        long start = System.nanoTime();
        receive("g", "orders", 1, Duration.ofMillis(100));
        sleep(400);
        assertThat(receive("g", "orders", 1, Duration.ofSeconds(30))).as("still in its backoff").isEmpty();
        List<Delivery> again = broker.receive(new ReceiveRequest("g", "orders", -1, TagFilter.ALL, 1,
                Duration.ofSeconds(30), false, Duration.ofSeconds(5), "client-1", "")).orTimeout(10, TimeUnit.SECONDS)
                .join();
        assertThat(again).singleElement().satisfies(d -> assertThat(d.deliveryAttempt()).isEqualTo(2));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void garbageAndForeignHandlesAreInvalid() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        send("orders", "m1");
        Delivery d = receive("g", "orders", 1, Duration.ofSeconds(30)).get(0);
        for (String handle : List.of("", "nonsense", "s1.0.0.1.zz", "s1.-1.0.1.0")) {
            assertThatThrownBy(() -> broker.ack("g", "orders", handle))
                    .isInstanceOfSatisfying(BrokerException.class,
                            e -> assertThat(e.error()).isEqualTo(BrokerError.INVALID_RECEIPT_HANDLE));
        }
        assertThatThrownBy(() -> broker.ack("other-group", "orders", d.receiptHandle()))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.INVALID_RECEIPT_HANDLE));
        broker.ack("g", "orders", d.receiptHandle()).join();
        assertThatThrownBy(() -> broker.ack("g", "orders", d.receiptHandle()))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.INVALID_RECEIPT_HANDLE));
    }

    @Test
    void invisibleDurationOutOfRangeIsRefused() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        assertThatThrownBy(() -> receive("g", "orders", 1, Duration.ofHours(13)))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.ILLEGAL_INVISIBLE_TIME));
    }

    @Test
    void changeInvisibleDurationKeepsTheHandleValidAndDelaysRedelivery() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        send("orders", "m1");
        Delivery d = receive("g", "orders", 1, Duration.ofMillis(200)).get(0);
        String handle = broker.changeInvisibleDuration("g", "orders", d.receiptHandle(), Duration.ofSeconds(30));
        sleep(400);
        assertThat(receive("g", "orders", 1, Duration.ofSeconds(30))).isEmpty();
        broker.ack("g", "orders", handle).join();
    }

    @Test
    void departedClientsMessagesBecomeVisibleAtOnce() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        send("orders", "m1");
        receive("g", "orders", 1, Duration.ofHours(1));
        broker.clientGone("client-1");
        List<Delivery> again = receive("g", "orders", 1, Duration.ofSeconds(30));
        assertThat(again).singleElement().satisfies(d -> assertThat(d.deliveryAttempt()).isEqualTo(2));
    }

    @Test
    void longPollingReceiveCompletesWhenAMessageArrives() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 2));
        CompletableFuture<List<Delivery>> waiting = broker.receive(new ReceiveRequest("g", "orders", -1,
                TagFilter.ALL, 4, Duration.ofSeconds(30), false, Duration.ofSeconds(20), "c", ""));
        sleep(100);
        assertThat(waiting).isNotDone();
        send("orders", "m1");
        assertThat(ids(waiting.orTimeout(5, TimeUnit.SECONDS).join())).containsExactly("m1");
    }

    @Test
    void longPollingReceiveEndsEmptyAtItsTimeout() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        List<Delivery> got = broker.receive(new ReceiveRequest("g", "orders", -1, TagFilter.ALL, 4,
                Duration.ofSeconds(30), false, Duration.ofMillis(200), "c", "")).orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(got).isEmpty();
    }

    @Test
    void messageThatNeverSucceedsIsDeadLetteredAfterMaxAttemptsAndCanBeRedrivenOnce() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        broker.createGroup(new GroupConfig("g", false, 3, RetryPolicy.DEFAULT));
        send("orders", "m1");
        int deliveries = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (broker.deadLetters("g", 10).isEmpty() && System.nanoTime() < deadline) {
            for (Delivery d : receive("g", "orders", 1, Duration.ofMillis(20))) {
                deliveries++;
                assertThat(d.deliveryAttempt()).isEqualTo(deliveries);
                broker.changeInvisibleDuration("g", "orders", d.receiptHandle(), Duration.ZERO);
            }
            sleep(5);
        }
        assertThat(deliveries).isEqualTo(3);
        List<DeadLetterEntry> dead = broker.deadLetters("g", 10);
        assertThat(dead).singleElement().satisfies(e -> {
            assertThat(e.messageId()).isEqualTo("m1");
            assertThat(e.originTopic()).isEqualTo("orders");
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.redriven()).isFalse();
        });
        assertThat(broker.topic("%DLQ%g")).hasValueSatisfying(t -> assertThat(t.type()).isEqualTo(MessageKind.NORMAL));
        assertThat(receive("g", "orders", 1, Duration.ofSeconds(30))).isEmpty();

        RedriveResult first = broker.redrive("g", Set.of(), 0);
        RedriveResult again = broker.redrive("g", Set.of(), 0);
        assertThat(first.redriven()).isEqualTo(1);
        assertThat(again.redriven()).isZero();
        assertThat(again.alreadyRedriven()).isEqualTo(1);
        List<Delivery> redriven = receive("g", "orders", 10, Duration.ofSeconds(30));
        assertThat(redriven).singleElement().satisfies(d -> {
            assertThat(d.message().record().messageId()).isEqualTo("m1");
            assertThat(d.deliveryAttempt()).isEqualTo(1);
            assertThat(d.message().record().userProperties()).isEqualTo(Map.of("p", "m1"));
        });
        assertThat(broker.counters().of("g").deadLettered().sum()).isEqualTo(1);
    }

    @Test
    void historyShowsEveryAttemptAndItsOutcome() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        send("orders", "m1");
        Delivery first = receive("g", "orders", 1, Duration.ofSeconds(30)).get(0);
        broker.changeInvisibleDuration("g", "orders", first.receiptHandle(), Duration.ZERO);
        Delivery second = receive("g", "orders", 1, Duration.ofSeconds(30)).get(0);
        broker.ack("g", "orders", second.receiptHandle()).join();
        MessageHistory history = broker.history("orders", "m1", "g");
        assertThat(history.events()).extracting(DeliveryEvent::type).containsExactly(
                DeliveryEvent.Type.DELIVERED, DeliveryEvent.Type.NACKED, DeliveryEvent.Type.DELIVERED,
                DeliveryEvent.Type.ACKED);
        assertThat(history.events()).extracting(DeliveryEvent::attempt).containsExactly(1, 1, 2, 2);
        assertThat(history.events().get(0).detail()).isEqualTo("client-1");
    }

    @Test
    void aTopicCreatedAnewDoesNotInheritTheHistoryOfTheDeletedOne() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        SendReceipt old = send("orders", "old").get(0);
        broker.ack("g", "orders", receive("g", "orders", 1, Duration.ofSeconds(30)).get(0).receiptHandle()).join();
        broker.deleteTopic("orders");
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        SendReceipt fresh = send("orders", "new").get(0);
        // the new message takes the old one's place in the queue
        assertThat(fresh.queueOffset()).isEqualTo(old.queueOffset());

        assertThat(broker.history("orders", "new", null).events()).isEmpty();
        receive("g", "orders", 1, Duration.ofSeconds(30));
        assertThat(broker.history("orders", "new", "g").events()).extracting(DeliveryEvent::type)
                .containsExactly(DeliveryEvent.Type.DELIVERED);
    }

    @Test
    void fifoGroupDeliversOneMessageOfAMessageGroupAtATimeInOrder() {
        broker.createTopic(new TopicConfig("fifo", MessageKind.FIFO, 1));
        broker.createGroup(new GroupConfig("g", true, 5, RetryPolicy.DEFAULT));
        for (int i = 0; i < 3; i++) {
            for (String group : List.of("x", "y")) {
                broker.send(List.of(TestMessages.fifo("fifo", group + i, group))).join();
            }
        }
        List<String> order = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<Delivery> batch = receive("g", "fifo", 10, Duration.ofSeconds(30));
            assertThat(ids(batch)).containsExactlyInAnyOrder("x" + round, "y" + round);
            assertThat(receive("g", "fifo", 10, Duration.ofSeconds(30))).isEmpty();
            batch.forEach(d -> {
                order.add(d.message().record().messageId());
                broker.ack("g", "fifo", d.receiptHandle()).join();
            });
        }
        assertThat(order).hasSize(6);
    }

    @Test
    void failedFifoMessageIsRetriedBeforeTheNextOfItsGroup() {
        broker.createTopic(new TopicConfig("fifo", MessageKind.FIFO, 1));
        broker.createGroup(new GroupConfig("g", true, 5, RetryPolicy.DEFAULT));
        broker.send(List.of(TestMessages.fifo("fifo", "x0", "x"))).join();
        broker.send(List.of(TestMessages.fifo("fifo", "x1", "x"))).join();
        Delivery first = receive("g", "fifo", 10, Duration.ofSeconds(30)).get(0);
        broker.changeInvisibleDuration("g", "fifo", first.receiptHandle(), Duration.ZERO);
        List<Delivery> retry = receive("g", "fifo", 10, Duration.ofSeconds(30));
        assertThat(ids(retry)).containsExactly("x0");
        assertThat(retry.get(0).deliveryAttempt()).isEqualTo(2);
    }

    @Test
    void parkedFifoReceiveGetsTheNextMessageOfAGroupAsSoonAsTheHeadIsAcked() {
        broker.createTopic(new TopicConfig("fifo", MessageKind.FIFO, 1));
        broker.createGroup(new GroupConfig("g", true, 5, RetryPolicy.DEFAULT));
        broker.send(List.of(TestMessages.fifo("fifo", "x0", "x"))).join();
        broker.send(List.of(TestMessages.fifo("fifo", "x1", "x"))).join();
        Delivery head = receive("g", "fifo", 10, Duration.ofSeconds(30)).get(0);
        CompletableFuture<List<Delivery>> waiting = parkedReceive("g", "fifo");
        sleep(100);
        assertThat(waiting).as("receive while the head is in flight").isNotDone();
        broker.ack("g", "fifo", head.receiptHandle()).join();
        assertThat(ids(waiting.orTimeout(5, TimeUnit.SECONDS).join())).containsExactly("x1");
    }

    @Test
    void parkedFifoReceiveGetsTheNextMessageOfAGroupAsSoonAsTheHeadIsDeadLettered() {
        broker.createTopic(new TopicConfig("fifo", MessageKind.FIFO, 1));
        broker.createGroup(new GroupConfig("g", true, 5, RetryPolicy.DEFAULT));
        broker.send(List.of(TestMessages.fifo("fifo", "x0", "x"))).join();
        broker.send(List.of(TestMessages.fifo("fifo", "x1", "x"))).join();
        Delivery head = receive("g", "fifo", 10, Duration.ofSeconds(30)).get(0);
        CompletableFuture<List<Delivery>> waiting = parkedReceive("g", "fifo");
        sleep(100);
        assertThat(waiting).as("receive while the head is in flight").isNotDone();
        broker.forwardToDeadLetter("g", "fifo", head.receiptHandle(), "gave up").join();
        assertThat(ids(waiting.orTimeout(5, TimeUnit.SECONDS).join())).containsExactly("x1");
    }

    private CompletableFuture<List<Delivery>> parkedReceive(String group, String topic) {
        return broker.receive(new ReceiveRequest(group, topic, -1, TagFilter.ALL, 10, Duration.ofSeconds(30), false,
                Duration.ofSeconds(20), "client-2", ""));
    }

    @Test
    void sameAttemptIdGetsTheSameBatchBackWithoutCountingAnAttempt() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        send("orders", "m1", "m2");
        ReceiveRequest request = new ReceiveRequest("g", "orders", 0, TagFilter.ALL, 10, Duration.ofSeconds(30),
                false, Duration.ZERO, "c", "attempt-1");
        List<Delivery> first = broker.receive(request).join();
        List<Delivery> again = broker.receive(request).join();
        assertThat(again).extracting(Delivery::receiptHandle)
                .containsExactlyElementsOf(first.stream().map(Delivery::receiptHandle).toList());
        assertThat(again).allSatisfy(d -> assertThat(d.deliveryAttempt()).isEqualTo(1));
    }

    @Test
    void resendOfTheSameMessageIdIsStoredOnce() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 4));
        SendReceipt first = send("orders", "m1").get(0);
        SendReceipt second = send("orders", "m1").get(0);
        assertThat(second).isEqualTo(first);
        assertThat(ids(receive("g", "orders", 10, Duration.ofSeconds(30)))).containsExactly("m1");
    }

    @Test
    void resendsAreStoredOnceAlsoWhenNewIdsSkipTheIndexLookup() throws Exception {
        close();
        Duration window = Duration.ofSeconds(2);
        store = TestStores.open(dir, window);
        broker = new LocalBroker(store, new BrokerConfig(false, true, 4, Duration.ofSeconds(60), Duration.ofHours(3),
                Duration.ofMillis(10), Duration.ofHours(12), window, 100_000));
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 4));
        // one window after the start the store answers "never stored lately" from memory
        Thread.sleep(window.toMillis() + 50);
        long unknown = IntStream.range(0, 50).filter(i -> !store.mightHoldRecentId("orders", "never-" + i)).count();
        assertThat(unknown).isGreaterThan(40);

        String[] ids = IntStream.range(0, 50).mapToObj(i -> "m" + i).toArray(String[]::new);
        List<SendReceipt> first = send("orders", ids);
        List<SendReceipt> again = send("orders", ids);
        assertThat(again).isEqualTo(first);
        assertThat(ids(receive("g", "orders", 200, Duration.ofSeconds(30)))).hasSize(50).doesNotHaveDuplicates();
    }

    @Test
    void resendsRacingTheFirstAttemptAreStoredOnce() throws Exception {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 4));
        int ids = 300;
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<SendReceipt>>> sends = new ArrayList<>();
            for (int copy = 0; copy < 4; copy++) {
                for (int i = 0; i < ids; i++) {
                    String id = "m" + i;
                    sends.add(senders.submit(() -> broker.send(List.of(TestMessages.normal("orders", id, "A"))).join()));
                }
            }
            for (Future<List<SendReceipt>> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        List<String> received = ids(receive("g", "orders", 4 * ids, Duration.ofSeconds(30)));
        assertThat(received).hasSize(ids).doesNotHaveDuplicates();
    }

    @Test
    void autoRenewedDeliveryFromBeforeARestartIsNoLongerRenewedAndComesBack() {
        BrokerConfig shortRenew = new BrokerConfig(false, true, 4, Duration.ofSeconds(2), Duration.ofHours(3),
                Duration.ofMillis(10), Duration.ofHours(12), Duration.ofMinutes(10), 100_000);
        close();
        openBroker(shortRenew);
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        send("orders", "m0");
        ReceiveRequest push = new ReceiveRequest("g", "orders", -1, TagFilter.ALL, 10, null, true, Duration.ZERO,
                "push-client", "");
        assertThat(ids(broker.receive(push).join())).containsExactly("m0");
        sleep(3000);
        assertThat(broker.receive(push).join()).as("renewed while its client may still be working on it").isEmpty();
        close();
        openBroker(shortRenew);
        sleep(3000);
        List<Delivery> again = broker.receive(push).join();
        assertThat(ids(again)).as("after the restart, once its last deadline passed").containsExactly("m0");
        assertThat(again.get(0).deliveryAttempt()).isEqualTo(2);
    }

    @Test
    void acksInFlightDeadlinesAndAttemptsSurviveARestart() {
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
        send("orders", IntStream.range(0, 6).mapToObj(i -> "m" + i).toArray(String[]::new));
        List<Delivery> got = receive("g", "orders", 6, Duration.ofSeconds(2));
        got.subList(0, 3).forEach(d -> broker.ack("g", "orders", d.receiptHandle()).join());
        restart();
        assertThat(receive("g", "orders", 10, Duration.ofSeconds(30))).isEmpty();
        // the invisible time (2 s) and then the default backoff of a first attempt (1 s)
        sleep(2000);
        assertThat(receive("g", "orders", 10, Duration.ofSeconds(30))).isEmpty();
        sleep(1200);
        List<Delivery> redelivered = receive("g", "orders", 10, Duration.ofSeconds(30));
        assertThat(ids(redelivered)).containsExactlyInAnyOrder("m3", "m4", "m5");
        assertThat(redelivered).allSatisfy(d -> assertThat(d.deliveryAttempt()).isEqualTo(2));
        assertThat(broker.topic("orders")).isPresent();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
