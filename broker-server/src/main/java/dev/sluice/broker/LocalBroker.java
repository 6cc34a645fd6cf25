package dev.sluice.broker;

import dev.sluice.broker.dlq.DeadLetterEntry;
import dev.sluice.broker.dlq.DeadLetterQueue;
import dev.sluice.broker.dlq.RedriveResult;
import dev.sluice.broker.history.DeliveryHistory;
import dev.sluice.broker.meta.Registry;
import dev.sluice.broker.pop.GroupCounters;
import dev.sluice.broker.pop.PopService;
import dev.sluice.broker.timer.PendingTimers;
import dev.sluice.broker.timer.TimerService;
import dev.sluice.broker.tx.PendingTransaction;
import dev.sluice.broker.tx.TransactionChecker;
import dev.sluice.broker.tx.TransactionService;
import dev.sluice.broker.tx.TransactionStats;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.MessageStore;
import dev.sluice.store.PutResult;
import dev.sluice.store.RetentionGuard;
import dev.sluice.store.StoreException;
import dev.sluice.store.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker that owns its store: the standalone broker, and later each broker group's leader.
 */
public final class LocalBroker implements Broker {

    private static final Logger log = LoggerFactory.getLogger(LocalBroker.class);

    private final MessageStore store;
    private final BrokerConfig config;
    private final Registry<TopicConfig> topics;
    private final Registry<GroupConfig> groups;
    private final PopService pops;
    private final DeliveryHistory history;
    private final DeadLetterQueue deadLetters;
    private final SendAdmission admission;
    private final TimerService timers;
    private final TransactionService transactions;
    private final AtomicInteger roundRobin = new AtomicInteger();

    public LocalBroker(MessageStore store, BrokerConfig config) {
        this.store = store;
        this.config = config;
        this.topics = Registry.topics(store.kv());
        this.groups = Registry.groups(store.kv());
        this.history = new DeliveryHistory(store.kv());
        this.deadLetters = new DeadLetterQueue(store, topics, history);
        this.admission = new SendAdmission(store, config);
        this.pops = new PopService(store, config, history,
                name -> topics.get(name).map(TopicConfig::queues).orElse(0),
                this::groupForUse, deadLetters::deadLetter);
        this.timers = new TimerService(store, this::queueForDue);
        this.transactions = new TransactionService(store, config.transactions(), this::queueForDue,
                LocalBroker::translate);
        store.setRetentionGuard(new RetentionGuard() {
            @Override
            public long lowestNeededQueueOffset(String topic, int queueId) {
                return snapshot().lowestNeededQueueOffset(topic, queueId);
            }

            @Override
            public RetentionGuard snapshot() {
                RetentionGuard consumers = pops.neededOffsets();
                return (topic, queueId) -> switch (topic) {
                    case TimerService.TOPIC -> timers.lowestNeededOffset();
                    case TransactionService.TOPIC -> transactions.lowestNeededOffset();
                    default -> consumers.lowestNeededQueueOffset(topic, queueId);
                };
            }
        });
    }

    /**
     * Runs after any topic or consumer group is created, changed or deleted — by the admin API,
     * on first use, or for a dead-letter topic. It runs on the changing thread and must not block.
     */
    public void onMetadataChange(Runnable listener) {
        topics.onChange(listener);
        groups.onChange(listener);
    }

    @Override
    public TopicConfig createTopic(TopicConfig topic) {
        NameRules.checkUserTopic(topic.name());
        return topics.create(topic);
    }

    @Override
    public TopicConfig updateTopic(TopicConfig topic) {
        TopicConfig current = requireTopic(topic.name());
        if (topic.queues() < current.queues()) {
            throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "topic '" + topic.name() + "' has "
                    + current.queues() + " queues; shrinking would strand their messages");
        }
        return topics.update(topic);
    }

    @Override
    public void deleteTopic(String name) {
        topics.delete(name);
        pops.forgetTopic(name);
        history.forgetTopic(name);
        store.deleteTopic(name);
    }

    @Override
    public Optional<TopicConfig> topic(String name) {
        return topics.get(name);
    }

    @Override
    public List<TopicConfig> topics() {
        return topics.all();
    }

    @Override
    public GroupConfig createGroup(GroupConfig group) {
        return groups.create(group);
    }

    @Override
    public GroupConfig updateGroup(GroupConfig group) {
        return groups.update(group);
    }

    @Override
    public void deleteGroup(String name) {
        groups.delete(name);
        pops.forgetGroup(name);
    }

    @Override
    public Optional<GroupConfig> group(String name) {
        return groups.get(name);
    }

    @Override
    public List<GroupConfig> groups() {
        return groups.all();
    }

    @Override
    public GroupConfig groupForUse(String name) {
        Optional<GroupConfig> existing = groups.get(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!config.autoCreateGroups()) {
            throw new BrokerException(BrokerError.GROUP_NOT_FOUND, "consumer group '" + name
                    + "' does not exist; create it with: sluice admin group create " + name);
        }
        return groups.createIfAbsent(GroupConfig.defaults(name));
    }

    @Override
    public CompletableFuture<List<SendReceipt>> send(List<MessageRecord> messages) {
        if (messages.isEmpty()) {
            throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "no messages to send");
        }
        String topicName = messages.get(0).topic();
        TopicConfig topic = topicForSend(topicName, messages.get(0).kind());
        long now = System.currentTimeMillis();
        List<MessageRecord> placed = new ArrayList<>(messages.size());
        // how each stored message's receipt is completed: scheduled and half messages wait for their record
        List<Function<SendReceipt, CompletableFuture<SendReceipt>>> receipts = new ArrayList<>(messages.size());
        boolean internal = false;
        for (MessageRecord message : messages) {
            if (!message.topic().equals(topicName)) {
                throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "all messages of one send must share a topic");
            }
            if (message.kind() != topic.type()) {
                throw new BrokerException(BrokerError.MESSAGE_TYPE_MISMATCH, "topic '" + topicName + "' accepts "
                        + topic.type() + " messages, but this message is " + message.kind());
            }
            if (message.kind() == MessageKind.DELAY) {
                checkDeliveryTime(message, now);
            }
            // a delivery time now or in the past is delivered at once, like any message
            if (message.kind() == MessageKind.DELAY && message.deliveryTimestamp() > now) {
                placed.add(TimerService.internalCopy(message));
                receipts.add(stored -> timers.scheduled(message, stored));
                internal = true;
            } else if (message.kind() == MessageKind.TRANSACTION) {
                placed.add(TransactionService.halfCopy(message));
                receipts.add(stored -> transactions.begun(message, stored));
                internal = true;
            } else {
                placed.add(message.withQueue(topicName, pickQueue(topic, message)));
                receipts.add(CompletableFuture::completedFuture);
            }
        }
        CompletableFuture<List<SendReceipt>> stored = admission.append(placed, LocalBroker::translate);
        return internal ? stored.thenCompose(list -> completeReceipts(list, receipts)) : stored;
    }

    private void checkDeliveryTime(MessageRecord message, long now) {
        if (message.deliveryTimestamp() <= 0) {
            throw new BrokerException(BrokerError.ILLEGAL_DELIVERY_TIME, "a DELAY message needs a delivery time");
        }
        if (message.deliveryTimestamp() - now > config.maxDeliveryDelay().toMillis()) {
            throw new BrokerException(BrokerError.ILLEGAL_DELIVERY_TIME, "delivery time "
                    + java.time.Instant.ofEpochMilli(message.deliveryTimestamp()) + " is more than "
                    + config.maxDeliveryDelay() + " ahead, the broker's limit");
        }
    }

    private static CompletableFuture<List<SendReceipt>> completeReceipts(
            List<SendReceipt> stored, List<Function<SendReceipt, CompletableFuture<SendReceipt>>> completions) {
        List<CompletableFuture<SendReceipt>> results = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            results.add(completions.get(i).apply(stored.get(i)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    }

    /** The queue a due scheduled or committed transactional message goes to; -1 when its topic is gone. */
    private int queueForDue(MessageRecord message) {
        return topics.get(message.topic()).map(topic -> pickQueue(topic, message)).orElse(-1);
    }

    @Override
    public CompletableFuture<String> recall(String topic, String recallHandle) {
        TopicConfig config = requireTopic(topic);
        if (config.type() != MessageKind.DELAY) {
            throw new BrokerException(BrokerError.MESSAGE_TYPE_MISMATCH, "topic '" + topic + "' is a "
                    + config.type() + " topic; only DELAY messages can be recalled");
        }
        return timers.recall(topic, recallHandle);
    }

    @Override
    public List<PendingTimers> pendingTimers(String topic) {
        if (topic != null) {
            requireTopic(topic);
        }
        return timers.pending(topic);
    }

    @Override
    public CompletableFuture<Void> endTransaction(String topic, String messageId, String transactionId,
                                                  boolean commit, boolean fromCheck) {
        requireTopic(topic);
        return transactions.end(topic, messageId, transactionId, commit, fromCheck);
    }

    @Override
    public void setTransactionChecker(TransactionChecker checker) {
        transactions.setChecker(checker);
    }

    @Override
    public List<PendingTransaction> unresolvedTransactions(String topic, int limit) {
        requireTopic(topic);
        return transactions.unresolved(topic, limit);
    }

    @Override
    public TransactionStats transactionStats() {
        return transactions.stats();
    }

    @Override
    public TopicConfig topicForUse(String name) {
        return topicForSend(name, MessageKind.NORMAL);
    }

    private TopicConfig topicForSend(String name, MessageKind kind) {
        Optional<TopicConfig> topic = topics.get(name);
        if (topic.isPresent()) {
            return topic.get();
        }
        if (config.autoCreateTopics() && kind == MessageKind.NORMAL && !name.startsWith(NameRules.SYSTEM_PREFIX)) {
            NameRules.checkUserTopic(name);
            TopicConfig created = topics.createIfAbsent(new TopicConfig(name, MessageKind.NORMAL, config.defaultQueues()));
            log.info("auto-created topic '{}' with {} queues", name, created.queues());
            return created;
        }
        throw new BrokerException(BrokerError.TOPIC_NOT_FOUND, "topic '" + name
                + "' does not exist; create it with: sluice admin topic create " + name + " --type " + kind);
    }

    private int pickQueue(TopicConfig topic, MessageRecord message) {
        if (topic.type() == MessageKind.FIFO) {
            // String.hashCode is specified, so a message group maps to the same queue on every broker
            return Math.floorMod(message.messageGroup().hashCode(), topic.queues());
        }
        return Math.floorMod(roundRobin.getAndIncrement(), topic.queues());
    }

    static RuntimeException translate(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof BrokerException be) {
            return be;
        }
        if (cause instanceof StoreException se) {
            return switch (se.reason()) {
                case DISK_FULL, NOT_RUNNING -> new BrokerException(BrokerError.BUSY, se.getMessage());
                case INVALID_RECORD -> new BrokerException(BrokerError.ILLEGAL_ARGUMENT, se.getMessage());
                case IO_ERROR -> new BrokerException(BrokerError.INTERNAL, se.getMessage());
            };
        }
        log.error("unexpected failure storing messages", cause);
        return new BrokerException(BrokerError.INTERNAL, "storing the message failed: " + cause);
    }

    @Override
    public CompletableFuture<List<Delivery>> receive(ReceiveRequest request) {
        requireTopic(request.topic());
        groupForUse(request.group());
        return pops.receive(request);
    }

    @Override
    public CompletableFuture<Void> ack(String group, String topic, String receiptHandle) {
        return pops.ack(group, topic, receiptHandle);
    }

    @Override
    public String changeInvisibleDuration(String group, String topic, String receiptHandle, Duration invisibleDuration,
                                          boolean suspend) {
        return pops.changeInvisibleDuration(group, topic, receiptHandle, invisibleDuration, suspend);
    }

    @Override
    public CompletableFuture<Void> forwardToDeadLetter(String group, String topic, String receiptHandle,
                                                       String reason) {
        return pops.forwardToDeadLetter(group, topic, receiptHandle, reason).exceptionally(error -> {
            throw translate(error);
        });
    }

    @Override
    public void clientGone(String clientId) {
        pops.clientGone(clientId);
    }

    @Override
    public List<QueueLag> lag(String group) {
        requireGroup(group);
        return pops.lag(group);
    }

    @Override
    public List<DeadLetterEntry> deadLetters(String group, int limit) {
        requireGroup(group);
        return deadLetters.list(group, limit);
    }

    @Override
    public RedriveResult redrive(String group, Set<String> messageIds, long since) {
        requireGroup(group);
        return deadLetters.redrive(group, messageIds, since);
    }

    @Override
    public MessageHistory history(String topic, String messageId, String group) {
        requireTopic(topic);
        StoredMessage message = store.findById(topic, messageId).orElseThrow(() -> new BrokerException(
                BrokerError.MESSAGE_NOT_FOUND, "no message '" + messageId + "' in topic '" + topic + "'"));
        int queueId = message.record().queueId();
        return new MessageHistory(topic, messageId, queueId, message.queueOffset(), message.storeTimestamp(),
                history.of(topic, queueId, message.queueOffset(), group));
    }

    @Override
    public GroupCounters counters() {
        return pops.counters();
    }

    private GroupConfig requireGroup(String name) {
        return groups.get(name).orElseThrow(() -> new BrokerException(BrokerError.GROUP_NOT_FOUND,
                "consumer group '" + name + "' not found"));
    }

    private TopicConfig requireTopic(String name) {
        return topics.get(name).orElseThrow(() -> new BrokerException(BrokerError.TOPIC_NOT_FOUND,
                "topic '" + name + "' does not exist; create it with: sluice admin topic create " + name));
    }

    @Override
    public void close() {
        timers.close();
        transactions.close();
        pops.close();
    }
}
