package dev.sluice.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A live line on stderr for long phases: count, rate over the last interval, elapsed/total.
 * On a terminal the line rewrites itself every second; in a log (stderr not a terminal, as
 * bin/sluice-bench tells us) it prints a new line every ten seconds instead of flooding it.
 */
public final class Progress implements AutoCloseable {

    private static final boolean TTY = Boolean.getBoolean("sluice.bench.stderrTty");

    private final String label;
    private final LongSupplier done;
    private final long totalCount;
    private final Duration totalTime;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    private long lastCount;
    private long lastNanos = startNanos;

    /**
     * @param totalCount the count the phase ends at, or 0 when it ends by time
     * @param totalTime  how long the phase lasts at most, or null when it ends by count
     */
    public static Progress start(String label, LongSupplier done, long totalCount, Duration totalTime) {
        return new Progress(label, done, totalCount, totalTime);
    }

    private Progress(String label, LongSupplier done, long totalCount, Duration totalTime) {
        this.label = label;
        this.done = done;
        this.totalCount = totalCount;
        this.totalTime = totalTime;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
        });
        long period = TTY ? 1 : 10;
        timer.scheduleAtFixedRate(this::print, period, period, TimeUnit.SECONDS);
    }

    private synchronized void print() {
        long now = System.nanoTime();
        long count = done.getAsLong();
        double rate = (count - lastCount) / ((now - lastNanos) / 1e9);
        lastCount = count;
        lastNanos = now;
        String line = line(label, count, totalCount, rate, Duration.ofNanos(now - startNanos), totalTime);
        System.err.print(TTY ? "\r" + line + "\u001b[K" : line + "\n");
        System.err.flush();
    }

    static String line(String label, long count, long totalCount, double rate, Duration elapsed, Duration totalTime) {
        StringBuilder out = new StringBuilder(label).append(": ");
        out.append(String.format(Locale.ROOT, "%,d", count));
        if (totalCount > 0) {
            out.append(String.format(Locale.ROOT, "/%,d", totalCount));
        }
        out.append(String.format(Locale.ROOT, " msgs  %,.0f msg/s  %ds", rate, elapsed.toSeconds()));
        if (totalTime != null) {
            out.append('/').append(totalTime.toSeconds()).append('s');
        }
        return out.toString();
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (TTY) {
            System.err.print("\r\u001b[K");
            System.err.flush();
        }
    }
}
