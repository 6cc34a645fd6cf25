package dev.sluice.bench;

import dev.sluice.broker.Broker;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongUnaryOperator;

/**
 * Schedules many messages on an in-process broker as fast as it takes them: sends of
 * {@value #BATCH} messages, a few in flight. A send completes once its timers are written, so
 * what this counts as loaded is really pending.
 */
final class TimerLoader {

    static final int BATCH = 1000;
    private static final int IN_FLIGHT = 8;
    private static final Duration SEND_TIMEOUT = Duration.ofMinutes(2);

    private final Broker broker;
    private final String topic;
    private final String idPrefix;
    private final byte[] body;
    private final LongUnaryOperator dueMillis;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final LongAdder loaded = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param dueMillis the delivery time of message number n
     */
    TimerLoader(Broker broker, String topic, String idPrefix, int bodySize, LongUnaryOperator dueMillis) {
        this.broker = broker;
        this.topic = topic;
        this.idPrefix = idPrefix;
        this.body = new byte[bodySize];
        this.dueMillis = dueMillis;
    }

    /** Messages whose send completed so far. */
    long loaded() {
        return loaded.sum();
    }

    /** Schedules messages {@code from} (inclusive) to {@code to} (exclusive); returns once all are pending. */
    void load(long from, long to) throws InterruptedException {
        for (long first = from; first < to; first += BATCH) {
            long last = Math.min(to, first + BATCH);
            List<MessageRecord> batch = new ArrayList<>(BATCH);
            for (long n = first; n < last; n++) {
                batch.add(new MessageRecord(topic, 0, idPrefix + n, MessageKind.DELAY, "", List.of(), "",
                        dueMillis.applyAsLong(n), System.currentTimeMillis(), "timer-scale", Map.of(), Map.of(), body));
            }
            acquire(1);
            int size = batch.size();
            broker.send(batch).whenComplete((receipts, error) -> {
                if (error == null) {
                    loaded.add(size);
                } else {
                    failure.compareAndSet(null, error);
                }
                inFlight.release();
            });
        }
        acquire(IN_FLIGHT);
        inFlight.release(IN_FLIGHT);
    }

    private void acquire(int permits) throws InterruptedException {
        if (!inFlight.tryAcquire(permits, SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("sends to " + topic + " unanswered for " + SEND_TIMEOUT);
        }
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("scheduling messages on " + topic + " failed: " + error, error);
        }
    }
}
