package dev.sluice.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies in microseconds, recorded from any thread (client callback threads) without locks.
 * Each {@link #takeInterval()} returns what was recorded since the previous one, which is how a
 * warm-up is thrown away.
 */
public final class LatencyRecorder {

    private final Recorder recorder = new Recorder(3);

    /** Negative values (clock steps, messages delivered early) are counted as zero. */
    public void recordMicros(long micros) {
        recorder.recordValue(Math.max(0, micros));
    }

    public Histogram takeInterval() {
        return recorder.getIntervalHistogram();
    }
}
