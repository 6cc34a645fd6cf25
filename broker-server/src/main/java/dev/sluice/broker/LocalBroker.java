package dev.sluice.broker;

import dev.sluice.broker.meta.Registry;
import dev.sluice.broker.pop.PopService;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.MessageStore;
import dev.sluice.store.PutResult;
import dev.sluice.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final AtomicInteger roundRobin = new AtomicInteger();

    public LocalBroker(MessageStore store, BrokerConfig config) {
        this.store = store;
        this.config = config;
        this.topics = Registry.topics(store.kv());
        this.groups = Registry.groups(store.kv());
        this.pops = new PopService(store, config, name -> topics.get(name).map(TopicConfig::queues).orElse(0));
        store.setRetentionGuard(pops::lowestNeededOffset);
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
        List<MessageRecord> placed = new ArrayList<>(messages.size());
        for (MessageRecord message : messages) {
            if (!message.topic().equals(topicName)) {
                throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "all messages of one send must share a topic");
            }
            if (message.kind() != topic.type()) {
                throw new BrokerException(BrokerError.MESSAGE_TYPE_MISMATCH, "topic '" + topicName + "' accepts "
                        + topic.type() + " messages, but this message is " + message.kind());
            }
            placed.add(message.withQueue(topicName, pickQueue(topic, message)));
        }
        return store.append(placed).handle((results, error) -> {
            if (error != null) {
                throw translate(error);
            }
            List<SendReceipt> receipts = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                PutResult r = results.get(i);
                receipts.add(new SendReceipt(placed.get(i).messageId(), r.topic(), r.queueId(), r.queueOffset()));
            }
            return receipts;
        });
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

    private static RuntimeException translate(Throwable error) {
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
    public void ack(String group, String topic, String receiptHandle) {
        pops.ack(group, topic, receiptHandle);
    }

    @Override
    public String changeInvisibleDuration(String group, String topic, String receiptHandle, Duration invisibleDuration) {
        return pops.changeInvisibleDuration(group, topic, receiptHandle, invisibleDuration);
    }

    @Override
    public void clientGone(String clientId) {
        pops.clientGone(clientId);
    }

    @Override
    public List<QueueLag> lag(String group) {
        if (groups.get(group).isEmpty()) {
            throw new BrokerException(BrokerError.GROUP_NOT_FOUND, "consumer group '" + group + "' not found");
        }
        return pops.lag(group);
    }

    private TopicConfig requireTopic(String name) {
        return topics.get(name).orElseThrow(() -> new BrokerException(BrokerError.TOPIC_NOT_FOUND,
                "topic '" + name + "' does not exist; create it with: sluice admin topic create " + name));
    }

    @Override
    public void close() {
        pops.close();
    }
}
