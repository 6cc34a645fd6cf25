package dev.sluice.broker;

import dev.sluice.broker.dlq.DeadLetterEntry;
import dev.sluice.broker.dlq.RedriveResult;
import dev.sluice.broker.pop.GroupCounters;
import dev.sluice.broker.timer.PendingTimers;
import dev.sluice.broker.tx.PendingTransaction;
import dev.sluice.broker.tx.TransactionChecker;
import dev.sluice.broker.tx.TransactionStats;
import dev.sluice.store.MessageRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the proxy (and the admin service) asks of a broker. Every method may be called from a
 * gRPC event-loop thread: none of them blocks on IO longer than a RocksDB write, and the
 * long-running ones return futures. Refusals are {@link BrokerException}s, thrown directly or
 * completing the future.
 */
public interface Broker extends AutoCloseable {

    // --- topics and groups

    TopicConfig createTopic(TopicConfig topic);

    TopicConfig updateTopic(TopicConfig topic);

    void deleteTopic(String name);

    Optional<TopicConfig> topic(String name);

    List<TopicConfig> topics();

    /**
     * The topic a client is about to use; creates it as NORMAL when auto-creation is on,
     * otherwise TOPIC_NOT_FOUND naming the command that creates it.
     */
    TopicConfig topicForUse(String name);

    GroupConfig createGroup(GroupConfig group);

    GroupConfig updateGroup(GroupConfig group);

    void deleteGroup(String name);

    Optional<GroupConfig> group(String name);

    List<GroupConfig> groups();

    /**
     * The group's settings for a client that uses it; creates it with defaults on first use
     * when auto-creation is on, otherwise GROUP_NOT_FOUND.
     */
    GroupConfig groupForUse(String name);

    // --- produce

    /**
     * Stores messages of one topic. The broker validates the topic exists and accepts the
     * messages' kind, picks each message's queue (hash of the message group for FIFO, round
     * robin otherwise; the record's queueId is ignored) and completes once durable.
     */
    CompletableFuture<List<SendReceipt>> send(List<MessageRecord> messages);

    /**
     * Cancels a scheduled message that is not yet due, by the recall handle its send returned;
     * completes with its message id. MESSAGE_NOT_FOUND when it was already delivered, recalled or
     * never existed; ILLEGAL_ARGUMENT for a handle that does not parse.
     */
    CompletableFuture<String> recall(String topic, String recallHandle);

    /** Scheduled messages not yet due, per topic: only {@code topic}'s, or every topic's when null. */
    List<PendingTimers> pendingTimers(String topic);

    /**
     * Ends the transaction of a half message: COMMIT makes it visible exactly once, ROLLBACK
     * discards it. Repeating an outcome is OK and changes nothing; the other outcome, or an
     * unknown id, fails with INVALID_TRANSACTION_ID.
     *
     * @param messageId may be empty; otherwise it must be the half message's id
     * @param fromCheck the producer answers a check the broker sent
     */
    CompletableFuture<Void> endTransaction(String topic, String messageId, String transactionId, boolean commit,
                                           boolean fromCheck);

    /** How the broker reaches producers to check unresolved transactions (the proxy sets it). */
    void setTransactionChecker(TransactionChecker checker);

    /** Unresolved transactions of a topic, oldest first. */
    List<PendingTransaction> unresolvedTransactions(String topic, int limit);

    /** Transaction outcomes since start, for metrics. */
    TransactionStats transactionStats();

    // --- consume

    /**
     * Pops up to {@code batchSize} visible messages, long-polling until at least one is
     * available or {@code pollTimeout} passes (then completes with an empty list).
     */
    CompletableFuture<List<Delivery>> receive(ReceiveRequest request);

    /**
     * Marks the delivery behind {@code receiptHandle} consumed; throws INVALID_RECEIPT_HANDLE if it
     * is not current. The future completes once the ack is durable, or with the store's failure.
     */
    CompletableFuture<Void> ack(String group, String topic, String receiptHandle);

    /**
     * Moves the delivery's invisibility deadline to now + {@code invisibleDuration}; returns the
     * handle to use from now on. INVALID_RECEIPT_HANDLE if the handle is not current. Unless
     * {@code suspend}, the next delivery counts as a new attempt (this is the consumer's nack).
     */
    String changeInvisibleDuration(String group, String topic, String receiptHandle, Duration invisibleDuration,
                                   boolean suspend);

    default String changeInvisibleDuration(String group, String topic, String receiptHandle,
                                           Duration invisibleDuration) {
        return changeInvisibleDuration(group, topic, receiptHandle, invisibleDuration, false);
    }

    /** The consumer gave up on the delivery: its message moves to the group's dead-letter topic. */
    CompletableFuture<Void> forwardToDeadLetter(String group, String topic, String receiptHandle, String reason);

    /** The client went away: deliveries it holds become visible again without waiting for their deadline. */
    void clientGone(String clientId);

    /** Backlog of a consumer group per topic queue. */
    List<QueueLag> lag(String group);

    /** The group's dead-lettered messages, oldest first. */
    List<DeadLetterEntry> deadLetters(String group, int limit);

    /**
     * Sends dead letters back to their topic, each at most once however often it is called.
     *
     * @param messageIds only these (empty: all)
     * @param since      only those dead-lettered at or after this epoch millis
     */
    RedriveResult redrive(String group, Set<String> messageIds, long since);

    /** A message's delivery attempts and outcomes in every group, or only {@code group}'s when not null. */
    MessageHistory history(String topic, String messageId, String group);

    /** Redelivery counters per group, for metrics. */
    GroupCounters counters();

    @Override
    void close();
}
