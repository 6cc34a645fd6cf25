package dev.sluice.broker.tx;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.NameRules;
import dev.sluice.broker.SendReceipt;
import dev.sluice.broker.TransactionPolicy;
import dev.sluice.broker.internal.QueueFollower;
import dev.sluice.broker.internal.SerialLoop;
import dev.sluice.store.KeyValueStore;
import dev.sluice.store.KeyValueStore.Space;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactional messages. A half message is appended to the internal topic {@value #TOPIC}
 * (durable, invisible to consumers); one thread keeps a {@link TransactionRecord} per half
 * message in RocksDB, derived from that topic like the timers are (see {@link QueueFollower}),
 * applies EndTransaction, and asks a live producer about transactions left unresolved.
 *
 * <p>A commit is recorded as COMMITTING before the copy is appended to the real topic and as
 * COMMITTED once that append is durable. A broker that stops in between finds the COMMITTING
 * record at its next check time and finishes the commit, appending only if the topic does not
 * already hold the copy made from this half message: visible exactly once.
 *
 * <p>Checks: from the first check time on, a live producer is asked; each ask counts and the
 * next waits {@link TransactionPolicy#backoff}. With no producer connected the check waits one
 * interval and does not count. After {@code maxChecks} unanswered asks the transaction is rolled
 * back (logged and counted as expired). Resolved transactions are remembered for a day so a
 * late or repeated EndTransaction gets a clear answer.
 */
public final class TransactionService implements AutoCloseable {

    public static final String TOPIC = NameRules.SYSTEM_PREFIX + "HALF%";
    /** Set by the proxy on a half message: client id of the producer that sent it. */
    public static final String PRODUCER = "sluice.tx.producer";
    /** Set by the proxy on a half message: the producer's first-check delay in millis. */
    public static final String FIRST_CHECK_MILLIS = "sluice.tx.firstCheckMillis";
    /** On the half message: the topic it is for. */
    static final String TARGET_TOPIC = "sluice.tx.topic";
    /** On the committed copy: the half message it came from, to recognise it after a crash. */
    static final String COMMITTED_FROM = "sluice.tx.seq";

    private static final Logger log = LoggerFactory.getLogger(TransactionService.class);
    private static final int BATCH = 256;
    private static final long TICK_MILLIS = 100;
    /** Half messages recorded per round, so a stream of them cannot hold up due checks. */
    private static final int FOLLOW_LIMIT = 4096;
    private static final Duration RESOLVED_KEPT = Duration.ofDays(1);
    private static final Duration COMMIT_RECHECK = Duration.ofSeconds(1);

    private final MessageStore store;
    private final KeyValueStore kv;
    private final TransactionPolicy policy;
    private final ToIntFunction<MessageRecord> queuePicker;
    private final Function<Throwable, RuntimeException> translate;
    private final QueueFollower follower;
    private final SerialLoop loop;
    private final Map<Long, CompletableFuture<Void>> commits = new HashMap<>();
    private final LongAdder committed = new LongAdder();
    private final LongAdder rolledBack = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private volatile TransactionChecker checker = TransactionChecker.NONE;
    private volatile long retainFrom;
    private byte[] scanFrom = TransactionKeys.DUE_PREFIX;

    /**
     * @param queuePicker the queue of its topic a committed message goes to, or -1 when the topic is gone
     * @param translate   turns a store failure into the broker's refusal
     */
    public TransactionService(MessageStore store, TransactionPolicy policy, ToIntFunction<MessageRecord> queuePicker,
                              Function<Throwable, RuntimeException> translate) {
        this.store = store;
        this.kv = store.kv();
        this.policy = policy;
        this.queuePicker = queuePicker;
        this.translate = translate;
        this.follower = new QueueFollower(store, TOPIC, Space.TRANSACTIONS, TransactionKeys.INDEXED);
        this.loop = new SerialLoop("sluice-transactions", this::step);
        store.addDispatchListener((topic, queueId, next) -> {
            if (TOPIC.equals(topic)) {
                loop.wake();
            }
        });
        loop.start();
    }

    public void setChecker(TransactionChecker checker) {
        this.checker = checker == null ? TransactionChecker.NONE : checker;
    }

    /** The record to store instead of a transactional message: its half message in the internal topic. */
    public static MessageRecord halfCopy(MessageRecord message) {
        Map<String, String> system = new HashMap<>(message.systemProperties());
        system.put(TARGET_TOPIC, message.topic());
        return new MessageRecord(TOPIC, 0, message.messageId(), message.kind(), message.tag(), message.keys(),
                message.messageGroup(), message.deliveryTimestamp(), message.bornTimestamp(), message.bornHost(),
                message.userProperties(), system, message.body());
    }

    /** Completes once the transaction of a stored half message is recorded, with its transaction id. */
    public CompletableFuture<SendReceipt> begun(MessageRecord message, SendReceipt stored) {
        SendReceipt receipt = new SendReceipt(message.messageId(), message.topic(), -1, stored.queueOffset(), "",
                TransactionIds.encode(stored.queueOffset()));
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        loop.submit(() -> follower.followed(stored.queueOffset()).whenComplete((ok, error) -> {
            if (error == null) {
                recorded.complete(null);
            } else {
                recorded.completeExceptionally(error);
            }
        }), recorded);
        return recorded.thenApply(ok -> receipt);
    }

    /**
     * Commits or rolls back. Repeating the outcome a transaction already has is answered OK and
     * changes nothing; asking for the other outcome, or naming an unknown transaction, fails with
     * INVALID_TRANSACTION_ID.
     */
    public CompletableFuture<Void> end(String topic, String messageId, String transactionId, boolean commit,
                                       boolean fromCheck) {
        long seq = TransactionIds.decode(transactionId);
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.submit(() -> {
            follow();
            TransactionRecord record = load(seq).orElseThrow(() -> TransactionIds.unknown(transactionId));
            if (!record.topic().equals(topic) || (!messageId.isEmpty() && !record.messageId().equals(messageId))) {
                throw new BrokerException(BrokerError.INVALID_TRANSACTION_ID, "transaction " + transactionId
                        + " belongs to message " + record.messageId() + " of topic " + record.topic()
                        + ", not to message " + messageId + " of topic " + topic);
            }
            if (fromCheck) {
                log.debug("producer answered the check of transaction {}: {}", transactionId,
                        commit ? "COMMIT" : "ROLLBACK");
            }
            resolve(seq, record, commit, transactionId).whenComplete((ok, error) -> {
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            });
        }, done);
        return done;
    }

    private CompletableFuture<Void> resolve(long seq, TransactionRecord record, boolean commit, String transactionId) {
        return switch (record.state()) {
            case COMMITTED -> commit ? CompletableFuture.completedFuture(null)
                    : failed(transactionId + " is already committed; it cannot be rolled back");
            case ROLLED_BACK -> commit ? failed(transactionId + " is already rolled back; it cannot be committed")
                    : CompletableFuture.completedFuture(null);
            case COMMITTING -> commit ? commit(seq, record)
                    : failed(transactionId + " is being committed; it cannot be rolled back");
            case PENDING -> {
                if (commit) {
                    yield commit(seq, record);
                }
                finish(seq, record, TransactionState.ROLLED_BACK);
                rolledBack.increment();
                yield CompletableFuture.completedFuture(null);
            }
        };
    }

    private static CompletableFuture<Void> failed(String message) {
        return CompletableFuture.failedFuture(new BrokerException(BrokerError.INVALID_TRANSACTION_ID, message));
    }

    /** Starts (or joins) the commit: records COMMITTING, appends the copy, records COMMITTED once durable. */
    private CompletableFuture<Void> commit(long seq, TransactionRecord record) {
        CompletableFuture<Void> running = commits.get(seq);
        if (running != null) {
            return running;
        }
        boolean resumed = record.state() == TransactionState.COMMITTING;
        Optional<StoredMessage> half = follower.read(seq);
        if (half.isEmpty()) {
            log.error("half message of transaction {} (topic {}, message {}) is no longer stored; rolled back",
                    TransactionIds.encode(seq), record.topic(), record.messageId());
            finish(seq, record, TransactionState.ROLLED_BACK);
            rolledBack.increment();
            return CompletableFuture.failedFuture(new BrokerException(BrokerError.INTERNAL,
                    "the half message of this transaction was lost; it was rolled back"));
        }
        MessageRecord copy = visibleCopy(half.get(), seq);
        int queue = queuePicker.applyAsInt(copy);
        if (queue < 0) {
            finish(seq, record, TransactionState.ROLLED_BACK);
            rolledBack.increment();
            return CompletableFuture.failedFuture(new BrokerException(BrokerError.TOPIC_NOT_FOUND,
                    "topic '" + record.topic() + "' no longer exists; the transaction was rolled back"));
        }
        TransactionRecord committing = record.with(TransactionState.COMMITTING,
                System.currentTimeMillis() + COMMIT_RECHECK.toMillis());
        reschedule(seq, record, committing);
        CompletableFuture<Void> result = new CompletableFuture<>();
        commits.put(seq, result);
        CompletableFuture<?> appended = resumed && alreadyCommitted(record, seq)
                ? CompletableFuture.completedFuture(null)
                : store.append(List.of(copy.withQueue(record.topic(), queue)));
        appended.whenComplete((ok, error) -> loop.submit(() -> {
            commits.remove(seq);
            if (error != null) {
                reschedule(seq, committing, committing.with(TransactionState.PENDING, committing.nextAt()));
                result.completeExceptionally(translate.apply(error));
                return;
            }
            finish(seq, committing, TransactionState.COMMITTED);
            committed.increment();
            result.complete(null);
        }, result));
        return result;
    }

    private boolean alreadyCommitted(TransactionRecord record, long seq) {
        return store.findById(record.topic(), record.messageId())
                .map(m -> Long.toString(seq).equals(m.record().systemProperties().get(COMMITTED_FROM)))
                .orElse(false);
    }

    /** The half message as its topic's consumers see it. */
    private static MessageRecord visibleCopy(StoredMessage half, long seq) {
        MessageRecord message = half.record();
        Map<String, String> system = new HashMap<>(message.systemProperties());
        String topic = system.remove(TARGET_TOPIC);
        system.remove(PRODUCER);
        system.remove(FIRST_CHECK_MILLIS);
        system.put(COMMITTED_FROM, Long.toString(seq));
        return new MessageRecord(topic, 0, message.messageId(), message.kind(), message.tag(), message.keys(),
                message.messageGroup(), message.deliveryTimestamp(), message.bornTimestamp(), message.bornHost(),
                message.userProperties(), system, message.body());
    }

    /** Unresolved transactions of {@code topic}, oldest first. */
    public List<PendingTransaction> unresolved(String topic, int limit) {
        List<PendingTransaction> result = new ArrayList<>();
        kv.scanFrom(Space.TRANSACTIONS, TransactionKeys.UNRESOLVED_PREFIX, TransactionKeys.EMPTY, (key, value) -> {
            long seq = TransactionKeys.seqOfUnresolved(key);
            load(seq).filter(r -> r.topic().equals(topic)).ifPresent(r -> result.add(new PendingTransaction(
                    TransactionIds.encode(seq), r.topic(), r.messageId(), r.producer(), r.createdAt(), r.checks(),
                    r.nextAt())));
            return result.size() < limit;
        });
        return result;
    }

    public TransactionStats stats() {
        return new TransactionStats(committed.sum(), rolledBack.sum(), expired.sum());
    }

    /** Lowest half-message offset an unresolved transaction still needs (retention keeps it). */
    public long lowestNeededOffset() {
        long[] lowest = {follower.position()};
        kv.scanFrom(Space.TRANSACTIONS, TransactionKeys.UNRESOLVED_PREFIX, TransactionKeys.unresolved(retainFrom),
                (key, value) -> {
                    lowest[0] = Math.min(lowest[0], TransactionKeys.seqOfUnresolved(key));
                    return false;
                });
        retainFrom = lowest[0];
        return lowest[0];
    }

    private Optional<TransactionRecord> load(long seq) {
        byte[] value = kv.get(Space.TRANSACTIONS, TransactionKeys.record(seq));
        return value == null ? Optional.empty() : Optional.of(TransactionRecord.decode(value));
    }

    private long step() {
        boolean caughtUp = follow();
        long now = System.currentTimeMillis();
        List<byte[]> due = new ArrayList<>();
        kv.scanFrom(Space.TRANSACTIONS, TransactionKeys.DUE_PREFIX, scanFrom, (key, value) -> {
            if (TransactionKeys.timeOfDue(key) > now) {
                return false;
            }
            due.add(key);
            return due.size() < BATCH;
        });
        for (byte[] key : due) {
            attend(key, now);
        }
        if (!due.isEmpty()) {
            scanFrom = due.get(due.size() - 1);
        }
        return due.size() == BATCH || !caughtUp ? 0 : TICK_MILLIS;
    }

    /** Records the transactions of some half messages stored since the last call; true when none is left. */
    private boolean follow() {
        return follower.follow((half, batch) -> {
            MessageRecord message = half.record();
            long seq = half.queueOffset();
            String firstCheck = message.systemProperties().get(FIRST_CHECK_MILLIS);
            long delay = firstCheck == null ? policy.firstCheck().toMillis()
                    : Math.min(Long.parseLong(firstCheck), policy.maxFirstCheck().toMillis());
            TransactionRecord record = new TransactionRecord(message.systemProperties().get(TARGET_TOPIC),
                    message.messageId(), message.systemProperties().getOrDefault(PRODUCER, ""),
                    half.storeTimestamp(), 0, half.storeTimestamp() + delay, TransactionState.PENDING);
            batch.put(Space.TRANSACTIONS, TransactionKeys.record(seq), record.encode());
            batch.put(Space.TRANSACTIONS, TransactionKeys.unresolved(seq), TransactionKeys.EMPTY);
            putDue(batch, record.nextAt(), seq);
        }, kv::write, FOLLOW_LIMIT);
    }

    /** Whatever a transaction needs at its due time: a check, finishing a commit, or being forgotten. */
    private void attend(byte[] dueKey, long now) {
        long seq = TransactionKeys.seqOfDue(dueKey);
        Optional<TransactionRecord> loaded = load(seq);
        if (loaded.isEmpty() || loaded.get().nextAt() != TransactionKeys.timeOfDue(dueKey)) {
            kv.delete(Space.TRANSACTIONS, dueKey);
            return;
        }
        TransactionRecord record = loaded.get();
        String id = TransactionIds.encode(seq);
        switch (record.state()) {
            case COMMITTED, ROLLED_BACK -> kv.write(kv.newBatch()
                    .delete(Space.TRANSACTIONS, dueKey)
                    .delete(Space.TRANSACTIONS, TransactionKeys.record(seq)));
            case COMMITTING -> {
                if (commits.containsKey(seq)) {
                    reschedule(seq, record, record.with(record.state(), now + COMMIT_RECHECK.toMillis()));
                } else {
                    log.info("finishing the commit of transaction {} that was under way when the broker stopped", id);
                    commit(seq, record).whenComplete((ok, error) -> {
                        if (error != null) {
                            log.warn("finishing the commit of transaction {} failed; retrying later", id, error);
                        }
                    });
                }
            }
            case PENDING -> check(seq, record, now, id);
        }
    }

    private void check(long seq, TransactionRecord record, long now, String id) {
        if (record.checks() >= policy.maxChecks()) {
            log.warn("transaction {} (topic {}, message {}) unresolved after {} checks; rolled back", id,
                    record.topic(), record.messageId(), record.checks());
            finish(seq, record, TransactionState.ROLLED_BACK);
            expired.increment();
            rolledBack.increment();
            return;
        }
        Optional<StoredMessage> half = follower.read(seq);
        if (half.isEmpty()) {
            log.error("half message of transaction {} is no longer stored; rolled back", id);
            finish(seq, record, TransactionState.ROLLED_BACK);
            rolledBack.increment();
            return;
        }
        StoredMessage view = new StoredMessage(visibleCopy(half.get(), seq), half.get().queueOffset(),
                half.get().commitLogOffset(), half.get().size(), half.get().storeTimestamp());
        boolean asked;
        try {
            asked = checker.check(new OrphanedTransaction(id, view, record.producer()));
        } catch (RuntimeException e) {
            log.warn("asking a producer about transaction {} failed", id, e);
            asked = false;
        }
        TransactionRecord next = asked
                ? record.withCheck(record.checks() + 1, now + policy.backoff(record.checks() + 1).toMillis())
                // nobody to ask: wait, and do not count it against the limit
                : record.withCheck(record.checks(), now + policy.checkInterval().toMillis());
        if (asked) {
            log.debug("asked producer about transaction {} (check {})", id, next.checks());
        }
        reschedule(seq, record, next);
    }

    private void reschedule(long seq, TransactionRecord current, TransactionRecord next) {
        KeyValueStore.Batch batch = kv.newBatch()
                .delete(Space.TRANSACTIONS, TransactionKeys.due(current.nextAt(), seq))
                .put(Space.TRANSACTIONS, TransactionKeys.record(seq), next.encode());
        putDue(batch, next.nextAt(), seq);
        kv.write(batch);
    }

    /** Records the outcome and keeps it a day for late EndTransactions. */
    private void finish(long seq, TransactionRecord current, TransactionState outcome) {
        TransactionRecord resolved = current.with(outcome, System.currentTimeMillis() + RESOLVED_KEPT.toMillis());
        KeyValueStore.Batch batch = kv.newBatch()
                .delete(Space.TRANSACTIONS, TransactionKeys.due(current.nextAt(), seq))
                .delete(Space.TRANSACTIONS, TransactionKeys.unresolved(seq))
                .put(Space.TRANSACTIONS, TransactionKeys.record(seq), resolved.encode());
        putDue(batch, resolved.nextAt(), seq);
        kv.write(batch);
    }

    private void putDue(KeyValueStore.Batch batch, long time, long seq) {
        byte[] key = TransactionKeys.due(time, seq);
        batch.put(Space.TRANSACTIONS, key, TransactionKeys.EMPTY);
        if (Arrays.compareUnsigned(key, scanFrom) < 0) {
            scanFrom = key;
        }
    }

    @Override
    public void close() {
        loop.close(() -> {
            follower.abandon(SerialLoop.stopped());
            commits.values().forEach(f -> f.completeExceptionally(SerialLoop.stopped()));
        });
    }
}
