package dev.sluice.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Samples the server's RSS once when progress crosses each given fraction of a total. The
 * sample is taken off the caller's thread (a client callback) so sends are never held up.
 */
final class RssSampler {

    private final Target target;
    private final long[] thresholds;
    private final AtomicReferenceArray<Double> samples;
    private final AtomicReferenceArray<Boolean> taken;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bench-rss");
        t.setDaemon(true);
        return t;
    });

    RssSampler(Target target, long total, double... fractions) {
        this.target = target;
        this.thresholds = new long[fractions.length];
        for (int i = 0; i < fractions.length; i++) {
            thresholds[i] = Math.max(1, (long) Math.ceil(total * fractions[i]));
        }
        this.samples = new AtomicReferenceArray<>(fractions.length);
        this.taken = new AtomicReferenceArray<>(fractions.length);
    }

    void progress(long done) {
        for (int i = 0; i < thresholds.length; i++) {
            if (done >= thresholds[i] && taken.compareAndSet(i, null, Boolean.TRUE)) {
                int index = i;
                reader.execute(() -> samples.set(index, target.serverRssMib()));
            }
        }
    }

    /** Lets samples still being read finish; call once progress is over. */
    void finish() throws InterruptedException {
        reader.shutdown();
        if (!reader.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("reading the server's RSS took longer than 10 s");
        }
    }

    /** The RSS (MiB) at the i-th fraction; null if not reached or no --server-pid. */
    Double sample(int i) {
        return samples.get(i);
    }
}
