package dev.sluice.broker.pop;

import dev.sluice.store.MessageStore;
import dev.sluice.store.QueueEntry;
import dev.sluice.store.StoredMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One consumer group's progress on one queue: which offsets are consumed, which are in
 * flight and until when. Every change is persisted before the method returns, so a crash
 * never loses an ack or resets an attempt count.
 *
 * <p>Offsets below {@code frontier} are consumed; offsets in [frontier, nextOffset) have a
 * slot (in flight or done); offsets from {@code nextOffset} on were never delivered.
 * Methods are synchronized: each queue state is small and touched briefly.
 */
final class QueueConsumerState {

    /** An in-flight offset ordered by when it becomes visible again. */
    private record Deadline(long deadline, long offset) {
    }

    private static final Comparator<Deadline> BY_DEADLINE =
            Comparator.comparingLong(Deadline::deadline).thenComparingLong(Deadline::offset);
    /** Consume-queue entries read per store call while skipping filtered-out messages. */
    private static final int SCAN_BATCH = 64;

    private final QueueKey key;
    private final ConsumerStateStore persistence;
    private final MessageStore store;
    private final TreeMap<Long, Slot> slots;
    private final TreeSet<Deadline> deadlines = new TreeSet<>(BY_DEADLINE);
    private long frontier;
    private long nextOffset;

    QueueConsumerState(QueueKey key, ConsumerStateStore persistence, MessageStore store,
                       long frontier, TreeMap<Long, Slot> slots) {
        this.key = key;
        this.persistence = persistence;
        this.store = store;
        this.frontier = frontier;
        this.slots = slots;
        this.nextOffset = slots.isEmpty() ? frontier : Math.max(frontier, slots.lastKey() + 1);
        slots.forEach((offset, slot) -> {
            if (slot instanceof Slot.InFlight f) {
                deadlines.add(new Deadline(f.deadline(), offset));
            }
        });
    }

    QueueKey key() {
        return key;
    }

    /**
     * Claims up to {@code request.max()} messages: first those whose invisible time ran out
     * (as the next attempt), then never-delivered ones that pass the filter. Messages the
     * filter rejects are consumed on the group's behalf.
     */
    synchronized List<Claim> pop(PopRequest request, long now) {
        ConsumerStateStore.Change change = persistence.change(key);
        long frontierBefore = frontier;
        skipRetainedAway(change);
        List<Claim> claims = new ArrayList<>();
        redeliverExpired(request, now, claims, change);
        deliverNew(request, now, claims, change);
        if (frontier != frontierBefore) {
            change.frontier(frontier);
        }
        change.commit();
        return claims;
    }

    private void skipRetainedAway(ConsumerStateStore.Change change) {
        long first = store.firstOffset(key.topic(), key.queueId());
        if (frontier >= first) {
            return;
        }
        for (Map.Entry<Long, Slot> e : new ArrayList<>(slots.headMap(first).entrySet())) {
            removeSlot(e.getKey(), e.getValue(), change);
        }
        frontier = first;
        nextOffset = Math.max(nextOffset, first);
    }

    private void redeliverExpired(PopRequest request, long now, List<Claim> claims, ConsumerStateStore.Change change) {
        while (claims.size() < request.max() && !deadlines.isEmpty() && deadlines.first().deadline() <= now) {
            Deadline due = deadlines.pollFirst();
            Slot.InFlight previous = (Slot.InFlight) slots.get(due.offset());
            Optional<StoredMessage> message = readAt(due.offset());
            if (message.isEmpty()) {
                markDone(due.offset(), change);
                continue;
            }
            claims.add(claim(message.get(), previous.attempt() + 1, request, now, change));
        }
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
                long offset = entry.queueOffset();
                nextOffset = offset + 1;
                Optional<StoredMessage> message = request.filter().mayMatchHash(entry.tagHash())
                        ? store.read(entry) : Optional.empty();
                if (message.isPresent() && request.filter().matches(message.get().record().tag())) {
                    claims.add(claim(message.get(), 1, request, now, change));
                } else {
                    markDone(offset, change);
                }
            }
        }
    }

    private Claim claim(StoredMessage message, int attempt, PopRequest request, long now,
                        ConsumerStateStore.Change change) {
        long deliveryId = ThreadLocalRandom.current().nextLong();
        Slot.InFlight delivery = new Slot.InFlight(deliveryId, attempt, now + request.invisibleMillis(),
                request.renewUntil(), request.clientId());
        long offset = message.queueOffset();
        slots.put(offset, delivery);
        deadlines.add(new Deadline(delivery.deadline(), offset));
        change.slot(offset, delivery);
        return new Claim(message, key.queueId(), delivery);
    }

    private Optional<StoredMessage> readAt(long offset) {
        List<QueueEntry> entries = store.readQueue(key.topic(), key.queueId(), offset, 1);
        if (entries.isEmpty() || entries.get(0).queueOffset() != offset) {
            return Optional.empty();
        }
        return store.read(entries.get(0));
    }

    /** Consumes the delivery behind {@code handle}. */
    synchronized void ack(ReceiptHandle handle, long now) {
        current(handle, now);
        ConsumerStateStore.Change change = persistence.change(key);
        long frontierBefore = frontier;
        markDone(handle.queueOffset(), change);
        if (frontier != frontierBefore) {
            change.frontier(frontier);
        }
        change.commit();
    }

    /** Moves the delivery's deadline; the broker stops renewing it, the client now decides. */
    synchronized long changeInvisible(ReceiptHandle handle, long now, long invisibleMillis) {
        Slot.InFlight flight = current(handle, now);
        Slot.InFlight moved = flight.withDeadline(now + invisibleMillis, 0);
        replace(handle.queueOffset(), flight, moved);
        persistence.change(key).slot(handle.queueOffset(), moved).commit();
        return moved.deadline();
    }

    /** Extends auto-renewed deliveries that would become visible within {@code aheadMillis}. */
    synchronized void renewDue(long now, long aheadMillis, long extendMillis) {
        ConsumerStateStore.Change change = persistence.change(key);
        for (Deadline due : new ArrayList<>(deadlines.headSet(new Deadline(now + aheadMillis, Long.MAX_VALUE)))) {
            Slot.InFlight flight = (Slot.InFlight) slots.get(due.offset());
            if (flight.autoRenew() && flight.deadline() > now && flight.renewUntil() > flight.deadline()) {
                Slot.InFlight renewed = flight.withDeadline(Math.min(now + extendMillis, flight.renewUntil()),
                        flight.renewUntil());
                replace(due.offset(), flight, renewed);
                change.slot(due.offset(), renewed);
            }
        }
        change.commit();
    }

    /** Makes every delivery held by {@code clientId} visible now; true if there was any. */
    synchronized boolean release(String clientId, long now) {
        ConsumerStateStore.Change change = persistence.change(key);
        boolean released = false;
        for (Map.Entry<Long, Slot> e : new ArrayList<>(slots.entrySet())) {
            if (e.getValue() instanceof Slot.InFlight f && f.clientId().equals(clientId) && f.deadline() > now) {
                Slot.InFlight visible = f.withDeadline(now, 0);
                replace(e.getKey(), f, visible);
                change.slot(e.getKey(), visible);
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
        return deadlines.size();
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
        if (flight.deadline() <= now) {
            throw ReceiptHandle.invalid("receipt handle expired: the invisible time ran out and the message"
                    + " is visible again");
        }
        return flight;
    }

    private void replace(long offset, Slot.InFlight old, Slot.InFlight updated) {
        deadlines.remove(new Deadline(old.deadline(), offset));
        deadlines.add(new Deadline(updated.deadline(), offset));
        slots.put(offset, updated);
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
