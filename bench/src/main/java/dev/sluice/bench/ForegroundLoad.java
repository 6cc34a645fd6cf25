package dev.sluice.bench;

import dev.sluice.broker.Broker;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Ordinary one-message sends to a NORMAL topic at a fixed rate, straight into an in-process
 * broker, while something else happens. Latency counts from when a send was due, so a stalled
 * broker shows up as latency rather than as a silently lower rate.
 */
final class ForegroundLoad implements AutoCloseable {

    /** Sends waiting for an answer beyond this many make the pacing thread wait too. */
    private static final int MAX_IN_FLIGHT = 10_000;

    private final Broker broker;
    private final String topic;
    private final double rate;
    private final byte[] body;
    private final LatencyRecorder latency = new LatencyRecorder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final Thread thread;
    private volatile boolean stopped;

    ForegroundLoad(Broker broker, String topic, double rate, int bodySize) {
        if (rate <= 0) {
            throw new IllegalArgumentException("the foreground rate must be positive");
        }
        this.broker = broker;
        this.topic = topic;
        this.rate = rate;
        this.body = new byte[bodySize];
        this.thread = new Thread(this::run, "timer-scale-foreground");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Latencies of the sends answered since the previous call. */
    Histogram takeInterval() {
        return latency.takeInterval();
    }

    long succeeded() {
        return ok.sum();
    }

    long failed() {
        return failed.sum();
    }

    /** The first failure's message; null when none failed. */
    String firstError() {
        Throwable e = firstError.get();
        return e == null ? null : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void run() {
        long start = System.nanoTime();
        for (long seq = 0; !stopped; seq++) {
            long due = start + (long) (seq * 1e9 / rate);
            long wait;
            while ((wait = due - System.nanoTime()) > 0 && !stopped) {
                LockSupport.parkNanos(wait);
            }
            if (stopped || !acquire()) {
                return;
            }
            MessageRecord message = new MessageRecord(topic, 0, "fg-" + seq, MessageKind.NORMAL, "", List.of(), "",
                    0, System.currentTimeMillis(), "timer-scale", Map.of(), Map.of(), body);
            try {
                broker.send(List.of(message)).whenComplete((receipts, error) -> finished(due, error));
            } catch (RuntimeException refused) {
                finished(due, refused);
            }
        }
    }

    private boolean acquire() {
        try {
            inFlight.acquire();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void finished(long dueNanos, Throwable error) {
        inFlight.release();
        if (error == null) {
            latency.recordMicros((System.nanoTime() - dueNanos) / 1000);
            ok.increment();
        } else {
            failed.increment();
            firstError.compareAndSet(null, error);
        }
    }

    /** Stops sending and waits (bounded) for the answers still outstanding. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (!inFlight.tryAcquire(MAX_IN_FLIGHT, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException((MAX_IN_FLIGHT - inFlight.availablePermits())
                    + " foreground sends still unanswered 30 s after the load stopped");
        }
    }
}
