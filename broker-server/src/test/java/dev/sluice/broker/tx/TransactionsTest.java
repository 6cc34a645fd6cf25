package dev.sluice.broker.tx;

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
import dev.sluice.broker.TransactionPolicy;
import dev.sluice.store.KeyValueStore.Space;
import dev.sluice.store.LogStore;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionsTest {

    private static final String TOPIC = "payments";
    private static final String GROUP = "ledger";
    /** Fast checks: first after 200 ms, then every 200–400 ms, rolled back after 3. */
    private static final TransactionPolicy FAST = new TransactionPolicy(Duration.ofMillis(200), Duration.ofMillis(200),
            Duration.ofMillis(400), 3, Duration.ofHours(1));

    @TempDir
    Path dir;
    private LogStore store;
    private LocalBroker broker;
    private final List<OrphanedTransaction> checks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean producerLive = new AtomicBoolean(true);
    private volatile Consumer<OrphanedTransaction> producerAnswer = t -> { };

    @BeforeEach
    void open() {
        openBroker();
        broker.createTopic(new TopicConfig(TOPIC, MessageKind.TRANSACTION, 2));
    }

    private void openBroker() {
        store = TestStores.open(dir);
        broker = new LocalBroker(store, BrokerConfig.DEFAULT.withTransactions(FAST));
        broker.setTransactionChecker(t -> {
            if (!producerLive.get()) {
                return false;
            }
            checks.add(t);
            producerAnswer.accept(t);
            return true;
        });
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

    private SendReceipt sendHalf(String id) {
        return broker.send(List.of(TestMessages.transactional(TOPIC, id))).join().get(0);
    }

    private void end(SendReceipt half, boolean commit) {
        broker.endTransaction(TOPIC, half.messageId(), half.transactionId(), commit, false).join();
    }

    private List<String> receive(Duration poll) {
        List<Delivery> batch = broker.receive(new ReceiveRequest(GROUP, TOPIC, -1, TagFilter.ALL, 32,
                Duration.ofSeconds(60), false, poll, "client-1", "")).join();
        batch.forEach(d -> broker.ack(GROUP, TOPIC, d.receiptHandle()).join());
        return batch.stream().map(d -> d.message().record().messageId()).toList();
    }

    private long storedInTopic() {
        return store.nextOffset(TOPIC, 0) + store.nextOffset(TOPIC, 1);
    }

    private static void assertInvalidTransaction(ThrowingCallable call) {
        assertThatThrownBy(call).satisfies(e -> {
            Throwable cause = e instanceof BrokerException ? e : e.getCause();
            assertThat(cause).isInstanceOfSatisfying(BrokerException.class,
                    b -> assertThat(b.error()).isEqualTo(BrokerError.INVALID_TRANSACTION_ID));
        });
    }

    @Test
    void aCommittedHalfMessageBecomesVisibleExactlyOnce() {
        producerLive.set(false);
        SendReceipt half = sendHalf("t1");
        assertThat(half.transactionId()).isNotEmpty();
        assertThat(half.queueId()).isEqualTo(-1);
        assertThat(receive(Duration.ZERO)).as("a half message is invisible").isEmpty();

        end(half, true);
        end(half, true);

        assertThat(receive(Duration.ofMillis(500))).containsExactly("t1");
        assertThat(storedInTopic()).isEqualTo(1);
        assertInvalidTransaction(() -> end(half, false));
        assertThat(broker.transactionStats().committed()).isEqualTo(1);
    }

    @Test
    void aRolledBackHalfMessageIsNeverVisible() {
        producerLive.set(false);
        SendReceipt half = sendHalf("t2");

        end(half, false);
        end(half, false);

        assertInvalidTransaction(() -> end(half, true));
        assertThat(receive(Duration.ofMillis(300))).isEmpty();
        assertThat(storedInTopic()).isZero();
        assertThat(broker.unresolvedTransactions(TOPIC, 10)).isEmpty();
    }

    @Test
    void unknownMalformedOrForeignTransactionIdsAreInvalid() {
        producerLive.set(false);
        SendReceipt half = sendHalf("t3");
        broker.createTopic(new TopicConfig("other-payments", MessageKind.TRANSACTION, 1));

        assertInvalidTransaction(() -> broker.endTransaction(TOPIC, "t3", "garbage", true, false).join());
        assertInvalidTransaction(() -> broker.endTransaction(TOPIC, "t3", "", true, false).join());
        assertInvalidTransaction(() -> broker.endTransaction(TOPIC, "t3", "x1" + "00000000000003e7", true, false).join());
        assertInvalidTransaction(() -> broker.endTransaction("other-payments", "t3", half.transactionId(), true, false)
                .join());
        assertInvalidTransaction(() -> broker.endTransaction(TOPIC, "another-id", half.transactionId(), true, false)
                .join());
        assertThat(broker.unresolvedTransactions(TOPIC, 10)).extracting(PendingTransaction::transactionId)
                .containsExactly(half.transactionId());
    }

    @Test
    void aProducersCheckAnswerIsApplied() {
        producerAnswer = t -> CompletableFuture.runAsync(() -> broker.endTransaction(TOPIC,
                t.message().record().messageId(), t.transactionId(), true, true).join());
        SendReceipt half = sendHalf("t4");

        assertThat(receive(Duration.ofSeconds(5))).containsExactly("t4");
        assertThat(checks).extracting(OrphanedTransaction::transactionId).containsExactly(half.transactionId());
        OrphanedTransaction asked = checks.get(0);
        assertThat(asked.message().record().topic()).isEqualTo(TOPIC);
        assertThat(asked.message().record().body()).isEqualTo("body-t4".getBytes());
    }

    @Test
    void anUnresolvedTransactionIsRolledBackAfterTheCheckLimit() {
        sendHalf("t5");

        await().atMost(Duration.ofSeconds(10)).until(() -> broker.transactionStats().expired() == 1);

        assertThat(checks).hasSize(FAST.maxChecks());
        assertThat(broker.unresolvedTransactions(TOPIC, 10)).isEmpty();
        assertThat(receive(Duration.ofMillis(300))).isEmpty();
        assertThat(storedInTopic()).isZero();
    }

    @Test
    void checksWithoutALiveProducerWaitAndDoNotCount() throws InterruptedException {
        producerLive.set(false);
        sendHalf("t6");
        Thread.sleep(1500);
        assertThat(broker.unresolvedTransactions(TOPIC, 10)).singleElement()
                .satisfies(t -> assertThat(t.checks()).isZero());
        assertThat(broker.transactionStats().expired()).isZero();

        producerLive.set(true);

        await().atMost(Duration.ofSeconds(10)).until(() -> broker.transactionStats().expired() == 1);
        assertThat(checks).hasSize(FAST.maxChecks());
    }

    @Test
    void pendingTransactionsSurviveARestartAndAreCheckedAgain() {
        producerLive.set(false);
        SendReceipt committedBefore = sendHalf("before");
        end(committedBefore, true);
        SendReceipt pending = sendHalf("pending");

        restart();

        assertThat(broker.unresolvedTransactions(TOPIC, 10)).extracting(PendingTransaction::transactionId)
                .containsExactly(pending.transactionId());
        producerAnswer = t -> CompletableFuture.runAsync(() -> broker.endTransaction(TOPIC,
                t.message().record().messageId(), t.transactionId(), true, true).join());
        producerLive.set(true);
        List<String> received = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            received.addAll(receive(Duration.ofMillis(200)));
            return received.size() >= 2;
        });
        assertThat(received).containsExactlyInAnyOrder("before", "pending");
        assertThat(storedInTopic()).isEqualTo(2);
    }

    @Test
    void aCommitInterruptedAfterItsAppendIsNotAppendedAgain() {
        producerLive.set(false);
        SendReceipt half = sendHalf("t7");
        close();
        // what a crash between the commit's append and recording COMMITTED leaves behind
        store = TestStores.open(dir);
        long seq = half.queueOffset();
        MessageRecord stored = store.read(store.readQueue(TransactionService.TOPIC, 0, seq, 1).get(0))
                .orElseThrow().record();
        Map<String, String> system = new HashMap<>();
        system.put(TransactionService.COMMITTED_FROM, Long.toString(seq));
        store.append(List.of(new MessageRecord(TOPIC, 0, "t7", MessageKind.TRANSACTION, "", List.of(), "", 0,
                stored.bornTimestamp(), "", Map.of(), system, stored.body()))).join();
        TransactionRecord record = TransactionRecord.decode(store.kv().get(Space.TRANSACTIONS,
                TransactionKeys.record(seq)));
        long now = System.currentTimeMillis();
        store.kv().write(store.kv().newBatch()
                .delete(Space.TRANSACTIONS, TransactionKeys.due(record.nextAt(), seq))
                .put(Space.TRANSACTIONS, TransactionKeys.due(now, seq), TransactionKeys.EMPTY)
                .put(Space.TRANSACTIONS, TransactionKeys.record(seq),
                        record.with(TransactionState.COMMITTING, now).encode()));
        store.close();

        openBroker();

        await().atMost(Duration.ofSeconds(5)).until(() -> broker.transactionStats().committed() == 1);
        end(half, true);
        assertThat(storedInTopic()).isEqualTo(1);
        assertInvalidTransaction(() -> end(half, false));
    }
}
