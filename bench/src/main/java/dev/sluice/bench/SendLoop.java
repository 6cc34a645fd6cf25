package dev.sluice.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends through N producers, each with its own window of async sends in flight (the window is what
 * drives throughput with this client, not thread counts). Either as fast as the windows allow or at
 * a fixed total rate; either for a time or for a number of messages.
 *
 * <p>At a fixed rate, a send's latency is measured from when it was due, not from when the window
 * let it go: a stalled broker then shows up in the percentiles instead of silently lowering the rate.
 */
public final class SendLoop {

    /** Builds message {@code seq}; called on the sending thread. */
    @FunctionalInterface
    public interface MessageFactory {
        Message create(long seq);
    }

    /** Told about every finished send, on a client callback thread; keep it cheap. */
    @FunctionalInterface
    public interface Listener {
        void completed(long seq, Throwable error);
    }

    /** The measured window: successful sends in it, its length, send latency in it. */
    public record Measurement(long ok, double seconds, Percentiles latency) {
    }

    private static final Logger log = LoggerFactory.getLogger(SendLoop.class);

    private final List<Producer> producers;
    private final int window;
    private final double rate;
    private final long maxMessages;
    private final MessageFactory factory;
    private final Listener listener;
    private final Duration drainTimeout;

    private final AtomicLong nextSeq = new AtomicLong();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final LatencyRecorder latency = new LatencyRecorder();
    private volatile boolean stopped;

    /**
     * At a fixed rate: the origin moves to the start of the measured window, so sends a cold client
     * JVM fell behind on while warming up are not counted as late in the measurement.
     */
    private volatile RateSchedule schedule;

    /**
     * @param rate         total messages per second over all producers, or 0 for as fast as possible
     * @param maxMessages  how many to send at most (Long.MAX_VALUE: until the time is up)
     * @param drainTimeout how long to wait for sends still in flight when the loop stops
     */
    public SendLoop(List<Producer> producers, int window, double rate, long maxMessages, MessageFactory factory,
                    Listener listener, Duration drainTimeout) {
        if (producers.isEmpty() || window < 1 || rate < 0 || maxMessages < 1) {
            throw new IllegalArgumentException("need ≥ 1 producer, window ≥ 1, rate ≥ 0, messages ≥ 1");
        }
        this.producers = List.copyOf(producers);
        this.window = window;
        this.rate = rate;
        this.maxMessages = maxMessages;
        this.factory = factory;
        this.listener = listener;
        this.drainTimeout = drainTimeout;
    }

    /**
     * Sends for {@code warmup}, forgets what it saw, then measures until {@code measure} is over or
     * every message is sent, whichever comes first. Returns once nothing is in flight any more.
     */
    public Measurement run(Duration warmup, Duration measure, String progressLabel) throws InterruptedException {
        return run(warmup, Duration.ZERO, measure, progressLabel);
    }

    /**
     * As {@link #run(Duration, Duration, String)}, with a fixed rate that rises from 0 over the first
     * {@code ramp} of the warm-up (not longer than the warm-up).
     */
    public Measurement run(Duration warmup, Duration ramp, Duration measure, String progressLabel) throws InterruptedException {
        if (ramp.isNegative() || ramp.compareTo(warmup) > 0) {
            throw new IllegalArgumentException("the ramp (" + ramp + ") must fit in the warm-up (" + warmup + ")");
        }
        schedule = rate > 0 ? new RateSchedule(System.nanoTime(), 0, rate, ramp.toNanos()) : null;
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < producers.size(); i++) {
            Producer producer = producers.get(i);
            Thread t = new Thread(() -> sendUntilStopped(producer), "bench-sender-" + i);
            t.setDaemon(true);
            senders.add(t);
            t.start();
        }
        long total = maxMessages == Long.MAX_VALUE ? 0 : maxMessages;
        Progress progress = Progress.start(progressLabel, ok::sum, total, warmup.plus(measure));
        try {
            joinAll(senders, System.nanoTime() + warmup.toNanos());
            long okBefore = ok.sum();
            long measureStart = System.nanoTime();
            schedule = rate > 0 ? new RateSchedule(measureStart, nextSeq.get(), rate, 0) : null;
            latency.takeInterval();
            joinAll(senders, measureStart + measure.toNanos());
            long measureEnd = System.nanoTime();
            long okInWindow = ok.sum() - okBefore;
            Percentiles sendLatency = Percentiles.ofMicros(latency.takeInterval());
            stopped = true;
            joinAll(senders, System.nanoTime() + drainTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1));
            return new Measurement(okInWindow, (measureEnd - measureStart) / 1e9, sendLatency);
        } finally {
            stopped = true;
            progress.close();
        }
    }

    public long succeeded() {
        return ok.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** The first send failure's message, to show next to the error count; null when none failed. */
    public String firstError() {
        Throwable e = firstError.get();
        return e == null ? null : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void sendUntilStopped(Producer producer) {
        Semaphore inFlight = new Semaphore(window);
        try {
            while (!stopped) {
                long seq = nextSeq.getAndIncrement();
                if (seq >= maxMessages) {
                    break;
                }
                long due = rate > 0 ? schedule.dueNanos(seq) : 0;
                if (rate > 0 && !sleepUntil(due)) {
                    break;
                }
                inFlight.acquire();
                long start = rate > 0 ? due : System.nanoTime();
                try {
                    Message message = factory.create(seq);
                    // counted and told before the permit returns: run() returns once every permit
                    // is back, and its caller reads the counts and what the listener recorded
                    producer.sendAsync(message).whenComplete((receipt, error) -> {
                        finished(seq, start, error);
                        inFlight.release();
                    });
                } catch (RuntimeException refusedBeforeSending) {
                    // the client validates some things locally (body size, topic's message type)
                    finished(seq, start, refusedBeforeSending);
                    inFlight.release();
                }
            }
            if (!inFlight.tryAcquire(window, drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} sends still unanswered {} after the loop stopped", window - inFlight.availablePermits(), drainTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finished(long seq, long startNanos, Throwable error) {
        if (error == null) {
            latency.recordMicros((System.nanoTime() - startNanos) / 1000);
            ok.increment();
        } else {
            failed.increment();
            firstError.compareAndSet(null, error.getCause() != null && error.getMessage() == null ? error.getCause() : error);
        }
        listener.completed(seq, error);
    }

    /** Parks until {@code dueNanos}; false when the loop was stopped meanwhile. */
    private boolean sleepUntil(long dueNanos) {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            if (stopped) {
                return false;
            }
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        return !stopped;
    }

    private static void joinAll(List<Thread> threads, long deadlineNanos) throws InterruptedException {
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
    }
}
