package dev.sluice.broker.pop;

import dev.sluice.store.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Persists consumer progress in the CONSUMER_STATE key space so that acks, in-flight
 * deadlines and attempt counts survive a crash.
 *
 * <p>Keys: {@code group \0 topic \0 queueId(4)} followed by {@code 'F'} (the ack frontier) or
 * {@code 'S' offset(8)} (one slot above the frontier). Big-endian numbers keep a queue's
 * slots in offset order.
 */
final class ConsumerStateStore {

    private static final byte FRONTIER = 'F';
    private static final byte SLOT = 'S';
    private static final byte IN_FLIGHT = 1;
    private static final byte DONE = 2;
    private static final byte SUSPENDED = 1;
    private static final byte BACKOFF_DUE = 2;
    private static final KeyValueStore.Space SPACE = KeyValueStore.Space.CONSUMER_STATE;

    private final KeyValueStore kv;

    ConsumerStateStore(KeyValueStore kv) {
        this.kv = kv;
    }

    /** Changes to one queue's state, written atomically. */
    final class Change {
        private final QueueKey key;
        private final KeyValueStore.Batch batch = kv.newBatch();
        private boolean empty = true;

        private Change(QueueKey key) {
            this.key = key;
        }

        Change frontier(long offset) {
            batch.put(SPACE, frontierKey(key), ByteBuffer.allocate(8).putLong(offset).array());
            empty = false;
            return this;
        }

        Change slot(long offset, Slot slot) {
            batch.put(SPACE, slotKey(key, offset), encode(slot));
            empty = false;
            return this;
        }

        /** Adds a record of another key space to the same atomic write. */
        Change put(KeyValueStore.Space space, byte[] k, byte[] value) {
            batch.put(space, k, value);
            empty = false;
            return this;
        }

        Change removeSlot(long offset) {
            batch.delete(SPACE, slotKey(key, offset));
            empty = false;
            return this;
        }

        void commit() {
            if (!empty) {
                kv.write(batch);
            }
        }

        /** Writes without waiting: the future completes once the changes are durable. */
        CompletableFuture<Void> commitLater() {
            return empty ? CompletableFuture.completedFuture(null) : kv.writeLater(batch);
        }
    }

    Change change(QueueKey key) {
        return new Change(key);
    }

    /** Deletes everything stored for one queue of one group. */
    void forget(QueueKey key, Iterable<Long> slotOffsets) {
        Change change = change(key);
        change.batch.delete(SPACE, frontierKey(key));
        for (long offset : slotOffsets) {
            change.removeSlot(offset);
        }
        change.commit();
    }

    /** A queue's stored progress as found at start-up. */
    record Loaded(long frontier, TreeMap<Long, Slot> slots) {
    }

    /** Reads every queue's stored progress; malformed entries fail start-up loudly rather than lose progress. */
    Map<QueueKey, Loaded> loadAll() {
        Map<QueueKey, Long> frontiers = new HashMap<>();
        Map<QueueKey, TreeMap<Long, Slot>> slots = new HashMap<>();
        kv.scan(SPACE, new byte[0], (key, value) -> {
            ByteBuffer buf = ByteBuffer.wrap(key);
            String group = readZeroTerminated(buf);
            String topic = readZeroTerminated(buf);
            QueueKey queue = new QueueKey(group, topic, buf.getInt());
            byte type = buf.get();
            if (type == FRONTIER) {
                frontiers.put(queue, ByteBuffer.wrap(value).getLong());
            } else if (type == SLOT) {
                slots.computeIfAbsent(queue, k -> new TreeMap<>()).put(buf.getLong(), decode(value));
            } else {
                throw new IllegalStateException("unknown consumer state record type " + type);
            }
        });
        Map<QueueKey, Loaded> result = new HashMap<>();
        frontiers.forEach((queue, frontier) -> result.put(queue,
                new Loaded(frontier, slots.getOrDefault(queue, new TreeMap<>()))));
        slots.forEach((queue, s) -> result.putIfAbsent(queue, new Loaded(s.firstKey(), s)));
        return result;
    }

    private static byte[] prefix(QueueKey key, int extra) {
        byte[] group = key.group().getBytes(StandardCharsets.UTF_8);
        byte[] topic = key.topic().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(group.length + topic.length + 2 + 4 + extra)
                .put(group).put((byte) 0).put(topic).put((byte) 0).putInt(key.queueId())
                .array();
    }

    private static byte[] frontierKey(QueueKey key) {
        byte[] bytes = prefix(key, 1);
        bytes[bytes.length - 1] = FRONTIER;
        return bytes;
    }

    private static byte[] slotKey(QueueKey key, long offset) {
        byte[] bytes = prefix(key, 9);
        ByteBuffer.wrap(bytes, bytes.length - 9, 9).put(SLOT).putLong(offset);
        return bytes;
    }

    private static String readZeroTerminated(ByteBuffer buf) {
        int start = buf.position();
        while (buf.get() != 0) {
            // advance to the terminator
        }
        return new String(buf.array(), start, buf.position() - start - 1, StandardCharsets.UTF_8);
    }

    private static byte[] encode(Slot slot) {
        if (slot instanceof Slot.InFlight f) {
            byte[] client = f.clientId().getBytes(StandardCharsets.UTF_8);
            byte[] group = f.messageGroup().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 8 + 4 + 8 + 8 + 1 + 4 + client.length + group.length)
                    .put(IN_FLIGHT).putLong(f.deliveryId()).putInt(f.attempt()).putLong(f.deadline())
                    .putLong(f.renewUntil()).put((byte) ((f.suspended() ? SUSPENDED : 0) | (f.backoffDue() ? BACKOFF_DUE : 0)))
                    .putInt(client.length).put(client).put(group).array();
        }
        return new byte[] {DONE};
    }

    private static Slot decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        byte type = buf.get();
        if (type == DONE) {
            return Slot.DONE;
        }
        if (type != IN_FLIGHT) {
            throw new IllegalStateException("unknown consumer slot type " + type);
        }
        long deliveryId = buf.getLong();
        int attempt = buf.getInt();
        long deadline = buf.getLong();
        long renewUntil = buf.getLong();
        byte flags = buf.get();
        boolean suspended = (flags & SUSPENDED) != 0;
        boolean backoffDue = (flags & BACKOFF_DUE) != 0;
        int clientLength = buf.getInt();
        String client = new String(value, buf.position(), clientLength, StandardCharsets.UTF_8);
        buf.position(buf.position() + clientLength);
        String group = new String(value, buf.position(), buf.remaining(), StandardCharsets.UTF_8);
        return new Slot.InFlight(deliveryId, attempt, deadline, renewUntil, client, group, suspended, backoffDue);
    }
}
