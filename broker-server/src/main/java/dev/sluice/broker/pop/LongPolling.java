package dev.sluice.broker.pop;

import dev.sluice.broker.Delivery;
import dev.sluice.broker.ReceiveRequest;
import dev.sluice.broker.TagFilter;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Receives waiting for messages. No thread waits: a parked receive is a future, retried when
 * its topic gets new messages or a redelivery falls due, and completed empty at its timeout.
 * Retries and timeouts run on one thread, so a receive is never completed twice and popped
 * messages are never handed to a receive that already timed out.
 */
final class LongPolling implements AutoCloseable {

    private record Parked(ReceiveRequest request, CompletableFuture<List<Delivery>> future) {
    }

    /** A wake of a topic's parked receives at a slot of {@link #WAKE_SLOT_MILLIS}. */
    private record Wake(String topic, long slotMillis) {
    }

    /**
     * Deadlines of one topic's deliveries differ by milliseconds and most are acked long before;
     * one timer per topic and slot wakes them all, a slot late at most.
     */
    private static final long WAKE_SLOT_MILLIS = 50;

    private final Function<ReceiveRequest, List<Delivery>> popper;
    private final ExecutorService worker;
    private final ScheduledExecutorService timer;
    private final ConcurrentMap<String, Queue<Parked>> parkedByTopic = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicBoolean> retryQueued = new ConcurrentHashMap<>();
    private final Set<Wake> scheduledWakes = ConcurrentHashMap.newKeySet();

    LongPolling(Function<ReceiveRequest, List<Delivery>> popper, ExecutorService worker, ScheduledExecutorService timer) {
        this.popper = popper;
        this.worker = worker;
        this.timer = timer;
    }

    CompletableFuture<List<Delivery>> park(ReceiveRequest request) {
        Parked parked = new Parked(request, new CompletableFuture<>());
        parkedByTopic.computeIfAbsent(request.topic(), t -> new ConcurrentLinkedQueue<>()).add(parked);
        ScheduledFuture<?> timeout = timer.schedule(() -> runOnWorker(() -> expire(parked)),
                request.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
        // the timeout task would keep the answered receive and its messages alive until it fires
        parked.future.whenComplete((deliveries, error) -> timeout.cancel(false));
        // a message may have arrived between the caller's empty pop and the park
        wake(request.topic());
        return parked.future;
    }

    /** Something may have become visible on {@code topic}: retry its parked receives soon. */
    void wake(String topic) {
        Queue<Parked> parked = parkedByTopic.get(topic);
        if (parked == null || parked.isEmpty()) {
            return;
        }
        AtomicBoolean queued = retryQueued.computeIfAbsent(topic, t -> new AtomicBoolean());
        if (queued.compareAndSet(false, true)) {
            runOnWorker(() -> {
                queued.set(false);
                retry(topic);
            });
        }
    }

    /** Wakes the topic's parked receives at {@code epochMillis} or up to one slot later. */
    void wakeAt(String topic, long epochMillis) {
        long slot = Math.floorDiv(epochMillis + WAKE_SLOT_MILLIS - 1, WAKE_SLOT_MILLIS) * WAKE_SLOT_MILLIS;
        Wake wake = new Wake(topic, slot);
        if (!scheduledWakes.add(wake)) {
            return;
        }
        long delay = Math.max(0, slot - System.currentTimeMillis());
        try {
            timer.schedule(() -> {
                scheduledWakes.remove(wake);
                wake(topic);
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: nothing waits any more
        }
    }

    /** What decides which messages a receive may get; receives alike get nothing if one got nothing. */
    private record Wants(String group, int queueId, TagFilter filter) {
        Wants(ReceiveRequest request) {
            this(request.group(), request.queueId(), request.filter());
        }
    }

    /**
     * Retries the topic's parked receives, but not those alike to one that just came back empty:
     * one new message would otherwise cost a pop of every consumer's every receive loop.
     */
    private void retry(String topic) {
        Queue<Parked> parked = parkedByTopic.get(topic);
        Set<Wants> empty = new HashSet<>();
        for (Parked p : parked) {
            if (p.future.isDone()) {
                parked.remove(p);
                continue;
            }
            Wants wants = new Wants(p.request);
            if (empty.contains(wants)) {
                continue;
            }
            try {
                List<Delivery> deliveries = popper.apply(p.request);
                if (deliveries.isEmpty()) {
                    empty.add(wants);
                } else {
                    parked.remove(p);
                    p.future.complete(deliveries);
                }
            } catch (RuntimeException e) {
                parked.remove(p);
                p.future.completeExceptionally(e);
            }
        }
    }

    private void expire(Parked parked) {
        Queue<Parked> queue = parkedByTopic.get(parked.request.topic());
        if (queue != null) {
            queue.remove(parked);
        }
        parked.future.complete(List.of());
    }

    private void runOnWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            // shutting down: close() answers every parked receive
        }
    }

    /** Answers every parked receive with no messages. */
    @Override
    public void close() {
        parkedByTopic.values().forEach(queue -> {
            Parked p;
            while ((p = queue.poll()) != null) {
                p.future.complete(List.of());
            }
        });
    }
}
