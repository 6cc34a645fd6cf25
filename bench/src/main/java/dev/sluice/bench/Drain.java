package dev.sluice.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Bounded waiting for the last messages of a run to arrive. */
final class Drain {

    private Drain() {
    }

    /** Polls {@code done} until it holds or {@code timeout} passes; true when it held. */
    static boolean await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    /**
     * Polls {@code done} until it holds, or until {@code received} has not grown for {@code quiet}.
     * A consumer that lags behind but still drains is waited for, so its messages are reported as
     * late (in the latency) rather than as lost; {@code limit} bounds the whole wait.
     */
    static boolean awaitWhileProgressing(BooleanSupplier done, LongSupplier received, Duration quiet, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long last = received.getAsLong();
        long lastChange = System.nanoTime();
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            long current = received.getAsLong();
            if (current != last) {
                last = current;
                lastChange = now;
            }
            if (now - lastChange > quiet.toNanos() || now > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }
}
