package dev.sluice.broker.history;

import dev.sluice.store.KeyValueStore;
import dev.sluice.store.kv.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery history of messages, per consumer group, in the DELIVERY_HISTORY key space.
 * Keys: {@code topic \0 queueId(4) offset(8) sequence(8)}, so one prefix scan returns a
 * message's events for every group in the order they happened.
 *
 * <p>Events live as long as their message: {@link #trimBefore} drops those of messages retention
 * deleted, and {@link #forgetTopic} those of a deleted topic, whose queues start again at offset 0
 * when it is created anew.
 */
public final class DeliveryHistory {

    public static final KeyValueStore.Space SPACE = KeyValueStore.Space.DELIVERY_HISTORY;

    /** Unique and increasing across restarts as long as the clock does not jump back. */
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);
    private final KeyValueStore kv;
    /** Per queue, the offset below which events were last dropped; lost at a restart, which only repeats a drop. */
    private final Map<QueueRef, Long> trimmedBelow = new ConcurrentHashMap<>();

    public DeliveryHistory(KeyValueStore kv) {
        this.kv = kv;
    }

    /** The key for a new event of one message. */
    public byte[] nextKey(String topic, int queueId, long offset) {
        byte[] prefix = prefix(topic, queueId, offset);
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(sequence.incrementAndGet()).array();
    }

    public static byte[] encode(DeliveryEvent event) {
        byte[] group = event.group().getBytes(StandardCharsets.UTF_8);
        byte[] detail = event.detail().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 8 + 4 + 8 + 4 + group.length + detail.length)
                .put((byte) event.type().ordinal()).putLong(event.time()).putInt(event.attempt())
                .putLong(event.nextVisible()).putInt(group.length).put(group).put(detail).array();
    }

    static DeliveryEvent decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        DeliveryEvent.Type type = DeliveryEvent.Type.values()[buf.get()];
        long time = buf.getLong();
        int attempt = buf.getInt();
        long nextVisible = buf.getLong();
        int groupLength = buf.getInt();
        String group = new String(value, buf.position(), groupLength, StandardCharsets.UTF_8);
        buf.position(buf.position() + groupLength);
        String detail = new String(value, buf.position(), buf.remaining(), StandardCharsets.UTF_8);
        return new DeliveryEvent(group, type, time, attempt, nextVisible, detail);
    }

    /** Every event of one message, oldest first; only {@code group}'s when it is not null. */
    public List<DeliveryEvent> of(String topic, int queueId, long offset, String group) {
        List<DeliveryEvent> events = new ArrayList<>();
        kv.scan(SPACE, prefix(topic, queueId, offset), (key, value) -> {
            DeliveryEvent event = decode(value);
            if (group == null || group.equals(event.group())) {
                events.add(event);
            }
        });
        return events;
    }

    public void record(String topic, int queueId, long offset, DeliveryEvent event) {
        kv.put(SPACE, nextKey(topic, queueId, offset), encode(event));
    }

    /** Drops the events of the queue's messages below {@code firstOffset}: retention deleted them. */
    public void trimBefore(String topic, int queueId, long firstOffset) {
        QueueRef queue = new QueueRef(topic, queueId);
        Long done = trimmedBelow.get(queue);
        if (firstOffset <= 0 || done != null && done >= firstOffset) {
            return;
        }
        kv.write(kv.newBatch().deleteRange(SPACE, prefix(topic, queueId, 0), prefix(topic, queueId, firstOffset)));
        trimmedBelow.merge(queue, firstOffset, Math::max);
    }

    /** Drops every event of the topic's messages. */
    public void forgetTopic(String topic) {
        byte[] from = topicPrefix(topic);
        kv.write(kv.newBatch().deleteRange(SPACE, from, Keys.prefixUpperBound(from)));
        trimmedBelow.keySet().removeIf(queue -> queue.topic().equals(topic));
    }

    private record QueueRef(String topic, int queueId) {
    }

    /** {@code topic 0x00}: where the topic's events start. */
    private static byte[] topicPrefix(String topic) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1).put(name).array();
    }

    private static byte[] prefix(String topic, int queueId, long offset) {
        byte[] topicPrefix = topicPrefix(topic);
        return ByteBuffer.allocate(topicPrefix.length + 4 + 8).put(topicPrefix).putInt(queueId).putLong(offset)
                .array();
    }
}
