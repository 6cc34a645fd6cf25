package dev.sluice.broker.pop;

import dev.sluice.broker.history.DeliveryEvent;
import dev.sluice.broker.history.DeliveryHistory;
import dev.sluice.store.MessageStore;
import dev.sluice.store.QueueEntry;
import dev.sluice.store.StoredMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One consumer group's progress on one queue: which offsets are consumed, which are in
 * flight and until when, how many times each was delivered. Every change is persisted
 * (with its delivery-history events, in one atomic write) before the method returns, so a
 * crash never loses an ack or resets an attempt count.
 *
 * <p>Offsets below {@code frontier} are consumed; an offset at or above it has a slot once it
 * was delivered or consumed. Non-FIFO pops take new messages from {@code nextOffset} on; FIFO
 * pops scan from the frontier because a blocked message group leaves gaps behind.
 * Methods are synchronized: each queue state is small and touched briefly.
 */
final class QueueConsumerState {

    /** An in-flight offset ordered by when it becomes visible again. */
    private record Deadline(long deadline, long offset) {
    }

    /** One delivery of a remembered receive attempt. */
    private record Delivered(long offset, long deliveryId) {
    }

    private static final Comparator<Deadline> BY_DEADLINE =
            Comparator.comparingLong(Deadline::deadline).thenComparingLong(Deadline::offset);
    /** Consume-queue entries read per store call while skipping filtered-out or blocked messages. */
    private static final int SCAN_BATCH = 64;
    /** How far past the frontier a FIFO pop looks for a message group that is not blocked. */
    private static final int FIFO_SCAN_WINDOW = 2048;
    /** Receive attempts remembered per queue so a retried receive gets its batch back. */
    private static final int REMEMBERED_ATTEMPTS = 32;

    private final QueueKey key;
    private final ConsumerStateStore persistence;
    private final DeliveryHistory history;
    private final MessageStore store;
    private final TreeMap<Long, Slot> slots;
    private final TreeSet<Deadline> deadlines = new TreeSet<>(BY_DEADLINE);
    /** Offsets on their way to the dead-letter queue: not visible, not yet consumed. */
    private final Set<Long> deadLettering = new HashSet<>();
    private final Map<String, List<Delivered>> recentAttempts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Delivered>> eldest) {
            return size() > REMEMBERED_ATTEMPTS;
        }
    };
    private long frontier;
    private long nextOffset;

    QueueConsumerState(QueueKey key, ConsumerStateStore persistence, DeliveryHistory history, MessageStore store,
                       long frontier, TreeMap<Long, Slot> slots) {
        this.key = key;
        this.persistence = persistence;
        this.history = history;
        this.store = store;
        this.frontier = frontier;
        this.slots = slots;
        this.nextOffset = slots.isEmpty() ? frontier : Math.max(frontier, slots.lastKey() + 1);
        slots.replaceAll((offset, slot) -> {
            if (slot instanceof Slot.InFlight f) {
                deadlines.add(new Deadline(f.deadline(), offset));
                // loaded at start-up: no client session survived the restart to keep renewing it, and
                // renewing anyway would hide the message for up to max-auto-renew
                return f.autoRenew() ? f.withDeadline(f.deadline(), 0, f.suspended()) : f;
            }
            return slot;
        });
    }

    QueueKey key() {
        return key;
    }

    /**
     * Claims up to {@code request.max()} messages: the batch of a repeated receive attempt if it
     * is still held, else those whose invisible time ran out (as their next attempt, or to the
     * dead-letter queue once attempts are used up), then never-delivered ones that pass the
     * filter. Messages the filter rejects are consumed on the group's behalf.
     */
    synchronized PopResult pop(PopRequest request, long now) {
        if (!request.attemptId().isEmpty()) {
            List<Claim> again = replay(request.attemptId(), now);
            if (again != null) {
                return new PopResult(again, List.of(), Long.MAX_VALUE);
            }
        }
        ConsumerStateStore.Change change = persistence.change(key);
        long frontierBefore = frontier;
        skipRetainedAway(change);
        List<Claim> claims = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        long backoffEnds = redeliverExpired(request, now, claims, deadLetters, change);
        if (request.fifo()) {
            deliverInGroupOrder(request, now, claims, change);
        } else {
            deliverNew(request, now, claims, change);
        }
        if (frontier != frontierBefore) {
            change.frontier(frontier);
        }
        change.commit();
        if (!request.attemptId().isEmpty() && !claims.isEmpty()) {
            recentAttempts.put(request.attemptId(), claims.stream()
                    .map(c -> new Delivered(c.message().queueOffset(), c.delivery().deliveryId())).toList());
        }
        return new PopResult(claims, deadLetters, backoffEnds);
    }

    private List<Claim> replay(String attemptId, long now) {
        List<Delivered> batch = recentAttempts.get(attemptId);
        if (batch == null) {
            return null;
        }
        List<Claim> claims = new ArrayList<>(batch.size());
        for (Delivered d : batch) {
            Optional<StoredMessage> message = readAt(d.offset());
            if (!(slots.get(d.offset()) instanceof Slot.InFlight f) || f.deliveryId() != d.deliveryId()
                    || f.deadline() <= now || message.isEmpty()) {
                recentAttempts.remove(attemptId);
                return null;
            }
            claims.add(new Claim(message.get(), key.queueId(), f));
        }
        return claims;
    }

    private void skipRetainedAway(ConsumerStateStore.Change change) {
        long first = store.firstOffset(key.topic(), key.queueId());
        if (frontier >= first) {
            return;
        }
        for (Map.Entry<Long, Slot> e : new ArrayList<>(slots.headMap(first).entrySet())) {
            removeSlot(e.getKey(), e.getValue(), change);
            deadLettering.remove(e.getKey());
        }
        frontier = first;
        nextOffset = Math.max(nextOffset, first);
    }

    /**
     * Redelivers or dead-letters what is due. A delivery whose consumer let its time run out
     * first waits the group's backoff for that attempt (unless it was the last attempt).
     *
     * @return the earliest time such a backoff ends, or Long.MAX_VALUE
     */
    private long redeliverExpired(PopRequest request, long now, List<Claim> claims, List<DeadLetter> deadLetters,
                                  ConsumerStateStore.Change change) {
        long backoffEnds = Long.MAX_VALUE;
        while (claims.size() < request.max() && !deadlines.isEmpty() && deadlines.first().deadline() <= now) {
            Deadline due = deadlines.pollFirst();
            Slot.InFlight previous = (Slot.InFlight) slots.get(due.offset());
            if (previous.backoffDue() && previous.nextAttempt() <= request.maxAttempts()) {
                long visible = previous.deadline() + request.retryPolicy().backoff(previous.attempt()).toMillis();
                // a new delivery id: the timed-out consumer's handle must not ack during the backoff
                Slot.InFlight waiting = new Slot.InFlight(ThreadLocalRandom.current().nextLong(), previous.attempt(),
                        visible, 0, previous.clientId(), previous.messageGroup(), previous.suspended(), false);
                slots.put(due.offset(), waiting);
                deadlines.add(new Deadline(visible, due.offset()));
                change.slot(due.offset(), waiting);
                backoffEnds = Math.min(backoffEnds, visible);
                continue;
            }
            Optional<StoredMessage> message = readAt(due.offset());
            if (message.isEmpty()) {
                markDone(due.offset(), change);
            } else if (previous.nextAttempt() > request.maxAttempts()) {
                deadLettering.add(due.offset());
                deadLetters.add(new DeadLetter(message.get(), key.queueId(), previous.deliveryId(), previous.attempt(),
                        "max delivery attempts (" + request.maxAttempts() + ") reached"));
            } else {
                claims.add(claim(message.get(), previous.nextAttempt(), request, now, change));
            }
        }
        return backoffEnds;
    }

    private void deliverNew(PopRequest request, long now, List<Claim> claims, ConsumerStateStore.Change change) {
        long end = store.nextOffset(key.topic(), key.queueId());
        while (claims.size() < request.max() && nextOffset < end) {
            List<QueueEntry> entries = store.readQueue(key.topic(), key.queueId(), nextOffset,
                    Math.max(SCAN_BATCH, request.max() - claims.size()));
            if (entries.isEmpty()) {
                return;
            }
            for (QueueEntry entry : entries) {
                if (claims.size() >= request.max()) {
                    return;
                }
                nextOffset = entry.queueOffset() + 1;
                if (!slots.containsKey(entry.queueOffset())) {
                    matching(entry, request, change).ifPresent(m -> claims.add(claim(m, 1, request, now, change)));
                }
            }
        }
    }

    /**
     * FIFO: the oldest undelivered message of each message group that has nothing in flight,
     * in queue order, one per group.
     */
    private void deliverInGroupOrder(PopRequest request, long now, List<Claim> claims,
                                     ConsumerStateStore.Change change) {
        Set<String> blocked = new HashSet<>();
        for (Slot slot : slots.values()) {
            if (slot instanceof Slot.InFlight f) {
                blocked.add(f.messageGroup());
            }
        }
        long end = store.nextOffset(key.topic(), key.queueId());
        long offset = frontier;
        while (claims.size() < request.max() && offset < end && offset - frontier < FIFO_SCAN_WINDOW) {
            List<QueueEntry> entries = store.readQueue(key.topic(), key.queueId(), offset, SCAN_BATCH);
            if (entries.isEmpty()) {
                return;
            }
            for (QueueEntry entry : entries) {
                offset = entry.queueOffset() + 1;
                if (slots.containsKey(entry.queueOffset())) {
                    continue;
                }
                Optional<StoredMessage> message = matching(entry, request, change);
                if (message.isPresent() && blocked.add(message.get().record().messageGroup())) {
                    claims.add(claim(message.get(), 1, request, now, change));
                    if (claims.size() >= request.max()) {
                        return;
                    }
                }
            }
        }
    }

    /** The entry's message if the filter wants it; otherwise the message is consumed for the group. */
    private Optional<StoredMessage> matching(QueueEntry entry, PopRequest request, ConsumerStateStore.Change change) {
        Optional<StoredMessage> message = request.filter().mayMatchHash(entry.tagHash())
                ? store.read(entry) : Optional.empty();
        if (message.isPresent() && request.filter().matches(message.get().record().tag())) {
            return message;
        }
        markDone(entry.queueOffset(), change);
        return Optional.empty();
    }

    private Claim claim(StoredMessage message, int attempt, PopRequest request, long now,
                        ConsumerStateStore.Change change) {
        long deliveryId = ThreadLocalRandom.current().nextLong();
        Slot.InFlight delivery = new Slot.InFlight(deliveryId, attempt, now + request.invisibleMillis(),
                request.renewUntil(), request.clientId(), message.record().messageGroup(), false, true);
        long offset = message.queueOffset();
        slots.put(offset, delivery);
        deadlines.add(new Deadline(delivery.deadline(), offset));
        change.slot(offset, delivery);
        recordEvent(change, offset, DeliveryEvent.Type.DELIVERED, now, delivery, delivery.deadline(),
                request.clientId());
        return new Claim(message, key.queueId(), delivery);
    }

    private Optional<StoredMessage> readAt(long offset) {
        List<QueueEntry> entries = store.readQueue(key.topic(), key.queueId(), offset, 1);
        if (entries.isEmpty() || entries.get(0).queueOffset() != offset) {
            return Optional.empty();
        }
        return store.read(entries.get(0));
    }

    /**
     * Consumes the delivery behind {@code handle}; the future completes once that is durable. Until
     * then other receives already see it consumed: a crash in between delivers it again, and its
     * consumer was not told the ack succeeded.
     */
    synchronized CompletableFuture<Void> ack(ReceiptHandle handle, long now) {
        Slot.InFlight flight = current(handle, now);
        ConsumerStateStore.Change change = persistence.change(key);
        recordEvent(change, handle.queueOffset(), DeliveryEvent.Type.ACKED, now, flight, 0, "");
        finish(handle.queueOffset(), change);
        // queued while this queue is locked, so its changes are written in the order they were made
        return change.commitLater();
    }

    /**
     * Moves the delivery's deadline; the broker stops renewing it, the client now decides.
     * With {@code suspend} the next delivery keeps this attempt number.
     */
    synchronized long changeInvisible(ReceiptHandle handle, long now, long invisibleMillis, boolean suspend) {
        Slot.InFlight flight = current(handle, now);
        Slot.InFlight moved = flight.visibleAt(now + invisibleMillis, suspend);
        replace(handle.queueOffset(), flight, moved);
        ConsumerStateStore.Change change = persistence.change(key).slot(handle.queueOffset(), moved);
        recordEvent(change, handle.queueOffset(), DeliveryEvent.Type.NACKED, now, flight, moved.deadline(), "");
        change.commit();
        return moved.deadline();
    }

    /** Takes the delivery out of circulation for the consumer-requested move to the dead-letter queue. */
    synchronized DeadLetter forwardToDeadLetter(ReceiptHandle handle, long now, String reason) {
        Slot.InFlight flight = current(handle, now);
        Optional<StoredMessage> message = readAt(handle.queueOffset());
        if (message.isEmpty()) {
            throw ReceiptHandle.invalid("the message was deleted by retention");
        }
        deadlines.remove(new Deadline(flight.deadline(), handle.queueOffset()));
        deadLettering.add(handle.queueOffset());
        return new DeadLetter(message.get(), key.queueId(), flight.deliveryId(), flight.attempt(), reason);
    }

    /** The dead-letter copy is stored: the source position can be released. */
    synchronized void deadLettered(DeadLetter letter, long now) {
        long offset = letter.message().queueOffset();
        deadLettering.remove(offset);
        if (slots.get(offset) instanceof Slot.InFlight f && f.deliveryId() == letter.deliveryId()) {
            ConsumerStateStore.Change change = persistence.change(key);
            recordEvent(change, offset, DeliveryEvent.Type.DEAD_LETTERED, now, f, 0, letter.reason());
            finish(offset, change);
            change.commit();
        }
    }

    /** Storing the dead-letter copy failed: try again at {@code retryAt}. */
    synchronized void deadLetterFailed(DeadLetter letter, long retryAt) {
        long offset = letter.message().queueOffset();
        deadLettering.remove(offset);
        if (slots.get(offset) instanceof Slot.InFlight f && f.deliveryId() == letter.deliveryId()) {
            Slot.InFlight retry = f.visibleAt(retryAt, f.suspended());
            slots.put(offset, retry);
            deadlines.add(new Deadline(retryAt, offset));
            persistence.change(key).slot(offset, retry).commit();
        }
    }

    /** Extends auto-renewed deliveries that would become visible within {@code aheadMillis}. */
    synchronized void renewDue(long now, long aheadMillis, long extendMillis) {
        ConsumerStateStore.Change change = persistence.change(key);
        for (Deadline due : new ArrayList<>(deadlines.headSet(new Deadline(now + aheadMillis, Long.MAX_VALUE)))) {
            Slot.InFlight flight = (Slot.InFlight) slots.get(due.offset());
            if (flight.autoRenew() && flight.deadline() > now && flight.renewUntil() > flight.deadline()) {
                Slot.InFlight renewed = flight.withDeadline(Math.min(now + extendMillis, flight.renewUntil()),
                        flight.renewUntil(), flight.suspended());
                replace(due.offset(), flight, renewed);
                change.slot(due.offset(), renewed);
                recordEvent(change, due.offset(), DeliveryEvent.Type.RENEWED, now, flight, renewed.deadline(), "");
            }
        }
        change.commit();
    }

    /** Makes every delivery held by {@code clientId} visible now; true if there was any. */
    synchronized boolean release(String clientId, long now) {
        ConsumerStateStore.Change change = persistence.change(key);
        boolean released = false;
        for (Map.Entry<Long, Slot> e : new ArrayList<>(slots.entrySet())) {
            if (e.getValue() instanceof Slot.InFlight f && f.clientId().equals(clientId) && f.deadline() > now
                    && !deadLettering.contains(e.getKey())) {
                Slot.InFlight visible = f.visibleAt(now, false);
                replace(e.getKey(), f, visible);
                change.slot(e.getKey(), visible);
                recordEvent(change, e.getKey(), DeliveryEvent.Type.RELEASED, now, f, now, clientId);
                released = true;
            }
        }
        change.commit();
        return released;
    }

    /** Epoch millis of the earliest in-flight deadline, or Long.MAX_VALUE. */
    synchronized long nextDeadline() {
        return deadlines.isEmpty() ? Long.MAX_VALUE : deadlines.first().deadline();
    }

    synchronized long frontier() {
        return frontier;
    }

    synchronized long inFlight() {
        return deadlines.size() + deadLettering.size();
    }

    synchronized List<Long> slotOffsets() {
        return new ArrayList<>(slots.keySet());
    }

    private Slot.InFlight current(ReceiptHandle handle, long now) {
        Slot slot = slots.get(handle.queueOffset());
        if (!(slot instanceof Slot.InFlight flight)
                || flight.deliveryId() != handle.deliveryId() || flight.attempt() != handle.attempt()) {
            throw ReceiptHandle.invalid("receipt handle is not the current delivery of this message"
                    + " (already acked, redelivered, or from another group)");
        }
        if (deadLettering.contains(handle.queueOffset())) {
            throw ReceiptHandle.invalid("the message is being moved to the dead-letter queue");
        }
        if (flight.deadline() <= now) {
            throw ReceiptHandle.invalid("receipt handle expired: the invisible time ran out and the message"
                    + " is visible again");
        }
        return flight;
    }

    private void recordEvent(ConsumerStateStore.Change change, long offset, DeliveryEvent.Type type, long now,
                             Slot.InFlight delivery, long nextVisible, String detail) {
        change.put(DeliveryHistory.SPACE, history.nextKey(key.topic(), key.queueId(), offset),
                DeliveryHistory.encode(new DeliveryEvent(key.group(), type, now, delivery.attempt(), nextVisible,
                        detail)));
    }

    private void replace(long offset, Slot.InFlight old, Slot.InFlight updated) {
        deadlines.remove(new Deadline(old.deadline(), offset));
        deadlines.add(new Deadline(updated.deadline(), offset));
        slots.put(offset, updated);
    }

    private void finish(long offset, ConsumerStateStore.Change change) {
        long frontierBefore = frontier;
        markDone(offset, change);
        if (frontier != frontierBefore) {
            change.frontier(frontier);
        }
    }

    private void markDone(long offset, ConsumerStateStore.Change change) {
        Slot old = slots.get(offset);
        if (old instanceof Slot.InFlight f) {
            deadlines.remove(new Deadline(f.deadline(), offset));
        }
        if (offset != frontier) {
            slots.put(offset, Slot.DONE);
            change.slot(offset, Slot.DONE);
            return;
        }
        if (old != null) {
            removeSlot(offset, old, change);
        }
        frontier++;
        while (!slots.isEmpty() && slots.firstKey() == frontier && slots.firstEntry().getValue() instanceof Slot.Done) {
            removeSlot(frontier, Slot.DONE, change);
            frontier++;
        }
        nextOffset = Math.max(nextOffset, frontier);
    }

    private void removeSlot(long offset, Slot slot, ConsumerStateStore.Change change) {
        if (slot instanceof Slot.InFlight f) {
            deadlines.remove(new Deadline(f.deadline(), offset));
        }
        slots.remove(offset);
        change.removeSlot(offset);
    }
}
