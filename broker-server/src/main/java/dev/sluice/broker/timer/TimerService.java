package dev.sluice.broker.timer;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.NameRules;
import dev.sluice.broker.SendReceipt;
import dev.sluice.broker.internal.QueueFollower;
import dev.sluice.broker.internal.SerialLoop;
import dev.sluice.store.KeyValueStore;
import dev.sluice.store.KeyValueStore.Space;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoredMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled (DELAY) messages. A message due in the future is appended to the internal topic
 * {@value #TOPIC} at send time, so it is as durable as any message; one thread then keeps a
 * timer for it in RocksDB (see {@link TimerKeys}) and, when it is due, appends a copy to its
 * real topic and deletes the timer only once that append is durable. The heap holds nothing per
 * pending timer, only counts per topic: the thread seeks the next due key in RocksDB, from a
 * floor below which every timer is delivered, so it never walks their tombstones.
 *
 * <p>Delivery goes in batches of at most {@value #BATCH}, one append in flight at a time, so a
 * burst of due timers shares the store's writer with other sends instead of queueing ahead of
 * them; indexing new scheduled messages is bounded per round the same way.
 *
 * <p>Timers are derived from the internal topic the way consume queues are derived from the
 * commit log: the thread indexes every internal message past a persisted position, so a crash
 * between the append and the timer write loses nothing. Before each delivery batch the thread
 * records the batch's last key; after a crash, messages of that batch found in their topic with
 * this timer's position are not appended again, so no timer fires twice.
 *
 * <p>Everything that changes timers (indexing, firing, recalls) runs on the one thread.
 */
public final class TimerService implements AutoCloseable {

    public static final String TOPIC = NameRules.SYSTEM_PREFIX + "TIMER%";
    /** On the internal copy: the topic the message is for. */
    static final String TARGET_TOPIC = "sluice.timer.topic";
    /** On the delivered copy: the internal position it came from, to recognise it after a crash. */
    static final String FIRED_FROM = "sluice.timer.seq";

    private static final Logger log = LoggerFactory.getLogger(TimerService.class);
    /** Messages delivered per append; each batch waits for the disk, so other sends interleave. */
    static final int BATCH = 512;
    /** Scheduled messages indexed per round, so a stream of them cannot hold up delivery (or recalls). */
    private static final int INDEX_LIMIT = 8 * BATCH;
    private static final long IDLE_WAIT_MILLIS = 1000;

    private final MessageStore store;
    private final KeyValueStore kv;
    private final ToIntFunction<MessageRecord> queuePicker;
    private final QueueFollower follower;
    private final SerialLoop loop;
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile long retainFrom;
    /**
     * Every pending timer's key is at least this one: raised past each delivered batch, lowered
     * when a timer is indexed late (due before it). Admin reads it too, to seek past the same
     * tombstones in the per-topic keys.
     */
    private volatile byte[] floor = TimerKeys.TIMER_PREFIX;
    private byte[] inDoubtUpTo;

    /**
     * @param queuePicker the queue of its topic a due message goes to, or -1 when the topic no
     *                    longer exists (the message is then dropped and logged)
     */
    public TimerService(MessageStore store, ToIntFunction<MessageRecord> queuePicker) {
        this.store = store;
        this.kv = store.kv();
        this.queuePicker = queuePicker;
        this.follower = new QueueFollower(store, TOPIC, Space.TIMERS, TimerKeys.INDEXED);
        this.loop = new SerialLoop("sluice-timers", this::step);
        this.inDoubtUpTo = kv.get(Space.TIMERS, TimerKeys.FIRING);
        kv.scan(Space.TIMERS, TimerKeys.COUNT_PREFIX,
                (key, value) -> counts.put(TimerKeys.topicOfCount(key), TimerKeys.longOf(value)));
        store.addDispatchListener((topic, queueId, next) -> {
            if (TOPIC.equals(topic)) {
                loop.wake();
            }
        });
        loop.start();
    }

    /**
     * The record to store instead of {@code message} when it is due after now: the same message
     * in the internal topic, remembering its real topic.
     */
    public static MessageRecord internalCopy(MessageRecord message) {
        Map<String, String> system = new HashMap<>(message.systemProperties());
        system.put(TARGET_TOPIC, message.topic());
        return new MessageRecord(TOPIC, 0, message.messageId(), message.kind(), message.tag(), message.keys(),
                message.messageGroup(), message.deliveryTimestamp(), message.bornTimestamp(), message.bornHost(),
                message.userProperties(), system, message.body());
    }

    /**
     * Completes once the timer of a message stored by {@link #internalCopy} is written, with the
     * receipt the producer gets: its recall handle, and the internal position as offset.
     */
    public CompletableFuture<SendReceipt> scheduled(MessageRecord message, SendReceipt stored) {
        SendReceipt receipt = new SendReceipt(message.messageId(), message.topic(), -1, stored.queueOffset(),
                new RecallHandle(message.deliveryTimestamp(), stored.queueOffset()).encode(), "");
        CompletableFuture<Void> indexed = new CompletableFuture<>();
        loop.submit(() -> follower.followed(stored.queueOffset()).whenComplete((ok, error) -> {
            if (error == null) {
                indexed.complete(null);
            } else {
                indexed.completeExceptionally(error);
            }
        }), indexed);
        return indexed.thenApply(ok -> receipt);
    }

    /** Cancels a scheduled message that is not yet due; completes with its message id. */
    public CompletableFuture<String> recall(String topic, String recallHandle) {
        RecallHandle handle = RecallHandle.decode(recallHandle);
        CompletableFuture<String> done = new CompletableFuture<>();
        loop.submit(() -> {
            indexNew();
            byte[] key = TimerKeys.timer(handle.due(), handle.seq());
            byte[] value = kv.get(Space.TIMERS, key);
            if (value == null || !TimerKeys.topicOf(value).equals(topic)) {
                done.completeExceptionally(new BrokerException(BrokerError.MESSAGE_NOT_FOUND, "no scheduled message "
                        + "of topic '" + topic + "' is pending for this recall handle: it was delivered, recalled, "
                        + "or never sent"));
                return;
            }
            KeyValueStore.Batch batch = kv.newBatch();
            Map<String, Long> delta = new HashMap<>();
            remove(batch, key, value, delta);
            writeWithCounts(batch, delta);
            log.debug("recalled scheduled message {} of topic {}", TimerKeys.messageIdOf(value), topic);
            done.complete(TimerKeys.messageIdOf(value));
        }, done);
        return done;
    }

    /**
     * Pending timers of {@code topic}, or of every topic with any when {@code topic} is null: a
     * count kept per topic and one seek per topic, however many timers are pending or were delivered.
     */
    public List<PendingTimers> pending(String topic) {
        byte[] from = floor;
        List<PendingTimers> result = new ArrayList<>();
        counts.entrySet().stream()
                .filter(e -> topic == null || e.getKey().equals(topic))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> nextDue(e.getKey(), from).ifPresent(due ->
                        result.add(new PendingTimers(e.getKey(), e.getValue(), due))));
        return result;
    }

    /**
     * The earliest due time of a topic's timers at or after {@code floor}. A timer indexed late
     * while this runs may be due before the floor it read; it is being delivered at that moment.
     */
    private Optional<Long> nextDue(String topic, byte[] floor) {
        byte[] prefix = TimerKeys.topicPrefix(topic);
        byte[] from = floor.length == TimerKeys.TIMER_PREFIX.length ? prefix
                : TimerKeys.byTopic(topic, TimerKeys.due(floor), TimerKeys.seq(floor));
        long[] due = {-1};
        kv.scanFrom(Space.TIMERS, prefix, from, (key, value) -> {
            due[0] = TimerKeys.dueOfTopicKey(key);
            return false;
        });
        return due[0] < 0 ? Optional.empty() : Optional.of(due[0]);
    }

    /** Lowest position in the internal topic a pending timer still needs (retention keeps it). */
    public long lowestNeededOffset() {
        long[] lowest = {follower.position()};
        kv.scanFrom(Space.TIMERS, TimerKeys.SEQ_PREFIX, TimerKeys.bySeq(retainFrom), (key, value) -> {
            lowest[0] = Math.min(lowest[0], TimerKeys.seqOfSeqKey(key));
            return false;
        });
        // new timers only ever get higher positions, so the next search may start here
        retainFrom = lowest[0];
        return lowest[0];
    }

    /** Scheduled messages handed to their topic since start. */
    public long delivered() {
        return delivered.sum();
    }

    /** Due messages that could not be delivered (their topic was deleted, or retention lost them). */
    public long dropped() {
        return dropped.sum();
    }

    /** One round of the timer thread: index some new messages, deliver one batch, say how long to sleep. */
    private long step() {
        boolean indexed = indexNew();
        long now = System.currentTimeMillis();
        DueTimers scan = scanDue(now);
        if (!scan.timers().isEmpty()) {
            deliver(scan.timers());
        }
        floor = scan.nextFloor();
        if (!indexed || scan.timers().size() == BATCH) {
            // more to do: queued recalls and sends go first, then the next round
            return 0;
        }
        return scan.next() == null ? IDLE_WAIT_MILLIS
                : Math.max(0, Math.min(IDLE_WAIT_MILLIS, TimerKeys.due(scan.next()) - now));
    }

    /** Writes the timers of some internal messages stored since the last call; true when none is left. */
    private boolean indexNew() {
        Map<String, Long> delta = new HashMap<>();
        return follower.follow((stored, batch) -> {
            MessageRecord message = stored.record();
            String topic = message.systemProperties().get(TARGET_TOPIC);
            long due = message.deliveryTimestamp();
            long seq = stored.queueOffset();
            byte[] key = TimerKeys.timer(due, seq);
            batch.put(Space.TIMERS, key, TimerKeys.timerValue(topic, message.messageId()));
            batch.put(Space.TIMERS, TimerKeys.byTopic(topic, due, seq), TimerKeys.EMPTY);
            batch.put(Space.TIMERS, TimerKeys.bySeq(seq), TimerKeys.longValue(due));
            delta.merge(topic, 1L, Long::sum);
            // a timer indexed late may be due before the ones already delivered; lowered before the write
            if (Arrays.compareUnsigned(key, floor) < 0) {
                floor = key;
            }
        }, batch -> {
            writeWithCounts(batch, delta);
            delta.clear();
        }, INDEX_LIMIT);
    }

    private record Due(byte[] key, String topic, String messageId) {

        long seq() {
            return TimerKeys.seq(key);
        }

        byte[] topicKey() {
            return TimerKeys.byTopic(topic, TimerKeys.due(key), seq());
        }
    }

    /**
     * Up to one batch of due timers, in key order from the floor, and the first timer that is not
     * due (null when there is none or the batch is full).
     */
    private record DueTimers(List<Due> timers, byte[] next, byte[] floor) {

        /** The floor once {@link #timers} are delivered. */
        byte[] nextFloor() {
            if (next != null) {
                return next;
            }
            return timers.isEmpty() ? floor : timers.get(timers.size() - 1).key();
        }
    }

    private DueTimers scanDue(long now) {
        List<Due> due = new ArrayList<>();
        byte[][] next = {null};
        kv.scanFrom(Space.TIMERS, TimerKeys.TIMER_PREFIX, floor, (key, value) -> {
            if (TimerKeys.due(key) > now) {
                next[0] = key;
                return false;
            }
            due.add(new Due(key, TimerKeys.topicOf(value), TimerKeys.messageIdOf(value)));
            return due.size() < BATCH;
        });
        return new DueTimers(due, next[0], floor);
    }

    /** Appends the due messages to their topics, waits until that is durable, then ends their timers. */
    private void deliver(List<Due> due) {
        byte[] last = due.get(due.size() - 1).key();
        List<MessageRecord> toAppend = new ArrayList<>(due.size());
        for (Due timer : due) {
            deliverable(timer).ifPresent(toAppend::add);
        }
        if (!toAppend.isEmpty()) {
            inDoubtUpTo = last;
            kv.put(Space.TIMERS, TimerKeys.FIRING, last);
            // waiting here is the back-pressure: one batch at a time shares the writer with other sends
            store.append(toAppend).join();
        }
        KeyValueStore.Batch batch = kv.newBatch();
        Map<String, Long> delta = new HashMap<>();
        removeDelivered(batch, due, delta);
        batch.delete(Space.TIMERS, TimerKeys.FIRING);
        writeWithCounts(batch, delta);
        delivered.add(toAppend.size());
        inDoubtUpTo = null;
    }

    /**
     * Deletes the timers of a delivered batch. The batch is every timer from its first key to its
     * last (one scan took them in a row, and nothing else ran on this thread since), and per topic
     * the same timers are every 'P' key between that topic's first and last of them: so both go as
     * one range each instead of a tombstone per timer. 'S' keys are in position order, so one by one.
     */
    private static void removeDelivered(KeyValueStore.Batch batch, List<Due> due, Map<String, Long> delta) {
        batch.deleteRange(Space.TIMERS, due.get(0).key(), TimerKeys.after(due.get(due.size() - 1).key()));
        Map<String, Due> firstOfTopic = new HashMap<>();
        Map<String, Due> lastOfTopic = new HashMap<>();
        for (Due timer : due) {
            firstOfTopic.putIfAbsent(timer.topic(), timer);
            lastOfTopic.put(timer.topic(), timer);
            batch.delete(Space.TIMERS, TimerKeys.bySeq(timer.seq()));
            delta.merge(timer.topic(), -1L, Long::sum);
        }
        firstOfTopic.forEach((topic, first) -> batch.deleteRange(Space.TIMERS, first.topicKey(),
                TimerKeys.after(lastOfTopic.get(topic).topicKey())));
    }

    /** The copy of a due message to append to its topic; empty if it must not be appended. */
    private Optional<MessageRecord> deliverable(Due timer) {
        long seq = timer.seq();
        String topic = timer.topic();
        String messageId = timer.messageId();
        Optional<StoredMessage> internal = follower.read(seq);
        if (internal.isEmpty()) {
            dropped.increment();
            log.error("scheduled message {} of topic {} (internal position {}) is no longer stored; it is lost",
                    messageId, topic, seq);
            return Optional.empty();
        }
        if (inDoubtUpTo != null && Arrays.compareUnsigned(timer.key(), inDoubtUpTo) <= 0
                && alreadyDelivered(topic, messageId, seq)) {
            log.info("scheduled message {} of topic {} was delivered before the restart; not again", messageId, topic);
            return Optional.empty();
        }
        MessageRecord message = internal.get().record();
        Map<String, String> system = new HashMap<>(message.systemProperties());
        system.remove(TARGET_TOPIC);
        system.put(FIRED_FROM, Long.toString(seq));
        MessageRecord copy = new MessageRecord(topic, 0, messageId, message.kind(), message.tag(), message.keys(),
                message.messageGroup(), message.deliveryTimestamp(), message.bornTimestamp(), message.bornHost(),
                message.userProperties(), system, message.body());
        int queue = queuePicker.applyAsInt(copy);
        if (queue < 0) {
            dropped.increment();
            log.warn("scheduled message {} is due but its topic {} no longer exists; dropped", messageId, topic);
            return Optional.empty();
        }
        return Optional.of(copy.withQueue(topic, queue));
    }

    private boolean alreadyDelivered(String topic, String messageId, long seq) {
        return store.findById(topic, messageId)
                .map(m -> Long.toString(seq).equals(m.record().systemProperties().get(FIRED_FROM)))
                .orElse(false);
    }

    private static void remove(KeyValueStore.Batch batch, byte[] key, byte[] value, Map<String, Long> delta) {
        long due = TimerKeys.due(key);
        long seq = TimerKeys.seq(key);
        String topic = TimerKeys.topicOf(value);
        batch.delete(Space.TIMERS, key);
        batch.delete(Space.TIMERS, TimerKeys.byTopic(topic, due, seq));
        batch.delete(Space.TIMERS, TimerKeys.bySeq(seq));
        delta.merge(topic, -1L, Long::sum);
    }

    /** Writes {@code batch} together with the per-topic counts it changes, then updates the cached counts. */
    private void writeWithCounts(KeyValueStore.Batch batch, Map<String, Long> delta) {
        Map<String, Long> updated = new HashMap<>();
        delta.forEach((topic, change) -> {
            long count = Math.max(0, counts.getOrDefault(topic, 0L) + change);
            updated.put(topic, count);
            if (count == 0) {
                batch.delete(Space.TIMERS, TimerKeys.count(topic));
            } else {
                batch.put(Space.TIMERS, TimerKeys.count(topic), TimerKeys.longValue(count));
            }
        });
        kv.write(batch);
        updated.forEach((topic, count) -> {
            if (count == 0) {
                counts.remove(topic);
            } else {
                counts.put(topic, count);
            }
        });
    }

    @Override
    public void close() {
        loop.close(() -> follower.abandon(SerialLoop.stopped()));
    }
}
