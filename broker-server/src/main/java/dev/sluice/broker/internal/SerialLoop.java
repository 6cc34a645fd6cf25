package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns some state: it runs a periodic step and, between steps, the tasks other
 * threads submit, so the state needs no locks. A task's future fails if the task throws or the
 * loop stops before running it.
 */
public final class SerialLoop implements AutoCloseable {

    /** One round of the owner's own work; returns how many milliseconds to wait for tasks before the next. */
    @FunctionalInterface
    public interface Step {
        long run();
    }

    private static final Logger log = LoggerFactory.getLogger(SerialLoop.class);
    private static final long FAILURE_PAUSE_MILLIS = 200;

    private record Task(Runnable work, CompletableFuture<?> future) {
    }

    private final Step step;
    private final Thread thread;
    private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private volatile boolean running = true;

    public SerialLoop(String name, Step step) {
        this.step = step;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Runs {@code work} on the loop thread; {@code future} fails if it throws or never runs. */
    public void submit(Runnable work, CompletableFuture<?> future) {
        tasks.add(new Task(work, future));
        if (!running) {
            failPending();
        }
    }

    /** Ends the current wait so the step runs again now. */
    public void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            tasks.add(new Task(() -> wakeQueued.set(false), null));
        }
    }

    private void run() {
        long wait = 0;
        while (running) {
            runTasks(wait);
            if (!running) {
                break;
            }
            try {
                wait = step.run();
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                log.error("{} failed; retrying in {} ms", thread.getName(), FAILURE_PAUSE_MILLIS, e);
                wait = FAILURE_PAUSE_MILLIS;
            }
        }
    }

    private void runTasks(long waitMillis) {
        try {
            Task task = waitMillis > 0 ? tasks.poll(waitMillis, TimeUnit.MILLISECONDS) : tasks.poll();
            while (task != null) {
                try {
                    task.work().run();
                } catch (RuntimeException e) {
                    if (task.future() == null) {
                        log.error("{} task failed", thread.getName(), e);
                    } else {
                        task.future().completeExceptionally(e);
                    }
                }
                task = tasks.poll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Stops the thread, then fails queued tasks and runs {@code afterStop} (on the caller's
     * thread, now that the loop thread no longer touches the owner's state).
     */
    public void close(Runnable afterStop) {
        running = false;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failPending();
        if (!thread.isAlive()) {
            afterStop.run();
        }
    }

    @Override
    public void close() {
        close(() -> { });
    }

    public static BrokerException stopped() {
        return new BrokerException(BrokerError.BUSY, "the broker is shutting down");
    }

    private synchronized void failPending() {
        if (thread.isAlive()) {
            return;
        }
        Task task;
        while ((task = tasks.poll()) != null) {
            if (task.future() != null) {
                task.future().completeExceptionally(stopped());
            }
        }
    }
}
