package dev.sluice.broker.dlq;

import static dev.sluice.broker.dlq.DeadLetterProperties.CONSUMER_GROUP;
import static dev.sluice.broker.dlq.DeadLetterProperties.DELIVERY_ATTEMPTS;
import static dev.sluice.broker.dlq.DeadLetterProperties.ORIGIN_DELIVERY_TIMESTAMP;
import static dev.sluice.broker.dlq.DeadLetterProperties.ORIGIN_KIND;
import static dev.sluice.broker.dlq.DeadLetterProperties.ORIGIN_MESSAGE_GROUP;
import static dev.sluice.broker.dlq.DeadLetterProperties.ORIGIN_OFFSET;
import static dev.sluice.broker.dlq.DeadLetterProperties.ORIGIN_QUEUE;
import static dev.sluice.broker.dlq.DeadLetterProperties.ORIGIN_TOPIC;
import static dev.sluice.broker.dlq.DeadLetterProperties.REASON;
import static dev.sluice.broker.dlq.DeadLetterProperties.TIME;

import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.TopicConfig;
import dev.sluice.broker.history.DeliveryEvent;
import dev.sluice.broker.history.DeliveryHistory;
import dev.sluice.broker.meta.Registry;
import dev.sluice.store.KeyValueStore;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.MessageStore;
import dev.sluice.store.QueueEntry;
import dev.sluice.store.StoredMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Each consumer group's dead-letter topic {@code %DLQ%<group>}: where messages go after their
 * last attempt, and where {@code sluice admin dlq} lists and redrives them from. A copy keeps
 * the original's message id, tag, keys, properties and body, plus where it came from and why.
 */
public final class DeadLetterQueue {

    /** One queue: dead letters are read by admins in the order they arrived. */
    private static final int DLQ_QUEUES = 1;
    private static final int READ_BATCH = 256;

    private final MessageStore store;
    private final Registry<TopicConfig> topics;
    private final DeliveryHistory history;
    private final KeyValueStore kv;

    public DeadLetterQueue(MessageStore store, Registry<TopicConfig> topics, DeliveryHistory history) {
        this.store = store;
        this.topics = topics;
        this.history = history;
        this.kv = store.kv();
    }

    /** Stores the dead-letter copy unless an earlier, interrupted move already did. */
    public CompletableFuture<Void> deadLetter(StoredMessage message, String group, int attempts, String reason) {
        String dlqTopic = GroupConfig.deadLetterTopic(group);
        topics.createIfAbsent(new TopicConfig(dlqTopic, MessageKind.NORMAL, DLQ_QUEUES));
        MessageRecord original = message.record();
        Optional<StoredMessage> earlier = store.findById(dlqTopic, original.messageId());
        if (earlier.isPresent() && sameOrigin(earlier.get().record(), message)) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, String> system = new HashMap<>(original.systemProperties());
        system.put(ORIGIN_TOPIC, original.topic());
        system.put(ORIGIN_QUEUE, Integer.toString(original.queueId()));
        system.put(ORIGIN_OFFSET, Long.toString(message.queueOffset()));
        system.put(ORIGIN_KIND, original.kind().name());
        system.put(ORIGIN_MESSAGE_GROUP, original.messageGroup());
        system.put(ORIGIN_DELIVERY_TIMESTAMP, Long.toString(original.deliveryTimestamp()));
        system.put(CONSUMER_GROUP, group);
        system.put(DELIVERY_ATTEMPTS, Integer.toString(attempts));
        system.put(REASON, reason);
        system.put(TIME, Long.toString(System.currentTimeMillis()));
        MessageRecord copy = new MessageRecord(dlqTopic, 0, original.messageId(), MessageKind.NORMAL, original.tag(),
                original.keys(), "", 0, original.bornTimestamp(), original.bornHost(), original.userProperties(),
                system, original.body());
        return store.append(List.of(copy)).thenApply(results -> null);
    }

    private static boolean sameOrigin(MessageRecord copy, StoredMessage original) {
        return original.record().topic().equals(copy.systemProperties().get(ORIGIN_TOPIC))
                && Integer.toString(original.record().queueId()).equals(copy.systemProperties().get(ORIGIN_QUEUE))
                && Long.toString(original.queueOffset()).equals(copy.systemProperties().get(ORIGIN_OFFSET));
    }

    /** The group's dead letters, oldest first, at most {@code limit}. */
    public List<DeadLetterEntry> list(String group, int limit) {
        List<DeadLetterEntry> entries = new ArrayList<>();
        forEach(group, (message) -> {
            if (entries.size() < limit) {
                entries.add(entry(message));
            }
            return entries.size() < limit;
        });
        return entries;
    }

    /**
     * Sends dead letters back to their original topic as new messages (same id, attempts start
     * over). Each dead letter is redriven at most once, however often this is called.
     *
     * @param messageIds only these ids; empty for all
     * @param since      only those dead-lettered at or after this epoch millis
     */
    public RedriveResult redrive(String group, Set<String> messageIds, long since) {
        int[] counts = new int[2];
        List<String> failures = new ArrayList<>();
        forEach(group, message -> {
            DeadLetterEntry entry = entry(message);
            if ((messageIds.isEmpty() || messageIds.contains(entry.messageId())) && entry.time() >= since) {
                if (entry.redriven()) {
                    counts[1]++;
                } else {
                    String failure = redriveOne(group, message, entry);
                    if (failure == null) {
                        counts[0]++;
                    } else {
                        failures.add(failure);
                    }
                }
            }
            return true;
        });
        return new RedriveResult(counts[0], counts[1], failures);
    }

    private String redriveOne(String group, StoredMessage message, DeadLetterEntry entry) {
        MessageRecord copy = message.record();
        Map<String, String> system = copy.systemProperties();
        Optional<TopicConfig> origin = topics.get(entry.originTopic());
        if (origin.isEmpty()) {
            return entry.messageId() + ": topic '" + entry.originTopic() + "' no longer exists";
        }
        MessageKind kind = MessageKind.valueOf(system.getOrDefault(ORIGIN_KIND, MessageKind.NORMAL.name()));
        if (kind != origin.get().type()) {
            return entry.messageId() + ": topic '" + entry.originTopic() + "' now accepts " + origin.get().type()
                    + " messages, the message is " + kind;
        }
        String messageGroup = system.getOrDefault(ORIGIN_MESSAGE_GROUP, "");
        int queueId = kind == MessageKind.FIFO ? Math.floorMod(messageGroup.hashCode(), origin.get().queues())
                : Math.floorMod(entry.messageId().hashCode(), origin.get().queues());
        MessageRecord fresh = new MessageRecord(entry.originTopic(), queueId, entry.messageId(), kind, copy.tag(),
                copy.keys(), messageGroup, 0, copy.bornTimestamp(), copy.bornHost(), copy.userProperties(), Map.of(),
                copy.body());
        // the new copy is written before the marker: a crash in between redrives twice at worst, never loses
        store.append(List.of(fresh)).join();
        kv.put(KeyValueStore.Space.REDRIVES, redriveKey(copy.topic(), message.queueOffset()), new byte[] {1});
        history.record(entry.originTopic(), Integer.parseInt(system.getOrDefault(ORIGIN_QUEUE, "0")),
                Long.parseLong(system.getOrDefault(ORIGIN_OFFSET, "0")),
                new DeliveryEvent(group, DeliveryEvent.Type.REDRIVEN, System.currentTimeMillis(), 0, 0,
                        "back to " + entry.originTopic()));
        return null;
    }

    private interface Visitor {
        /** Returns false to stop. */
        boolean visit(StoredMessage message);
    }

    private void forEach(String group, Visitor visitor) {
        String dlqTopic = GroupConfig.deadLetterTopic(group);
        long offset = store.firstOffset(dlqTopic, 0);
        long end = store.nextOffset(dlqTopic, 0);
        while (offset < end) {
            List<QueueEntry> batch = store.readQueue(dlqTopic, 0, offset, READ_BATCH);
            if (batch.isEmpty()) {
                return;
            }
            for (QueueEntry e : batch) {
                offset = e.queueOffset() + 1;
                Optional<StoredMessage> message = store.read(e);
                if (message.isPresent() && !visitor.visit(message.get())) {
                    return;
                }
            }
        }
    }

    private DeadLetterEntry entry(StoredMessage message) {
        Map<String, String> system = message.record().systemProperties();
        boolean redriven = kv.get(KeyValueStore.Space.REDRIVES,
                redriveKey(message.record().topic(), message.queueOffset())) != null;
        return new DeadLetterEntry(message.record().messageId(), system.getOrDefault(ORIGIN_TOPIC, ""),
                Integer.parseInt(system.getOrDefault(DELIVERY_ATTEMPTS, "0")), system.getOrDefault(REASON, ""),
                Long.parseLong(system.getOrDefault(TIME, Long.toString(message.storeTimestamp()))),
                message.queueOffset(), redriven);
    }

    private static byte[] redriveKey(String dlqTopic, long offset) {
        byte[] name = dlqTopic.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1 + 8).put(name).put((byte) 0).putLong(offset).array();
    }
}
